// SSL_CTX per certificate, the datagram BIO and SDP fingerprints for DTLS-SRTP sessions.
#include "webrtc/lean/DtlsContext.hpp"

#include "webrtc/lean/DtlsSrtp.hpp"
#include "webrtc/lean/SrtpContexts.hpp"

#include <kms/sdk/Gst.hpp>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

namespace kurento::webrtc::lean {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-dtls-context", "DTLS contexts of lean WebRTC");
}  // namespace
#define GST_CAT_DEFAULT kCat

namespace {

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;


BioPtr pemBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
}

SSL_CTX* newContext(const std::string& pem, std::string* error) {
  ERR_clear_error();
  X509Ptr certificate(PEM_read_bio_X509(pemBio(pem).get(), nullptr, nullptr, nullptr), &X509_free);
  KeyPtr key(PEM_read_bio_PrivateKey(pemBio(pem).get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!certificate || !key) {
    *error = std::string("the PEM has no ") + (certificate ? "private key" : "certificate");
    return nullptr;
  }
  SSL_CTX* context = SSL_CTX_new(DTLS_method());
  if (context == nullptr || SSL_CTX_set_min_proto_version(context, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_use_certificate(context, certificate.get()) != 1 ||
      SSL_CTX_use_PrivateKey(context, key.get()) != 1 || SSL_CTX_check_private_key(context) != 1 ||
      // Returns 0 on success, unlike the rest.
      SSL_CTX_set_tlsext_use_srtp(context, offeredSrtpProfiles()) != 0) {
    const std::string errors = openSslErrors();
    *error = "cannot make a DTLS context for the certificate: " +
             (errors.empty() ? std::string("no OpenSSL error") : errors);
    SSL_CTX_free(context);
    return nullptr;
  }
  // Each session has its own keys; nothing to resume.
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(context, SSL_OP_NO_TICKET | SSL_OP_NO_QUERY_MTU);
  return context;
}

// BIO callbacks: writes go to the session in the BIO's data, one datagram each.
int bioWrite(BIO* bio, const char* data, int size) {
  auto* session = static_cast<DtlsSrtpSession*>(BIO_get_data(bio));
  if (session == nullptr || size < 0) {
    return -1;
  }
  session->sendDatagram(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(size));
  return size;
}

long bioControl(BIO*, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU:
      return DtlsSrtpSession::kMtuBytes;
    default:
      return 0;  // pending bytes, MTU overhead, timeouts: none of these apply
  }
}

int bioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* datagramMethod() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* created = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "kms-datagram");
    BIO_meth_set_write(created, &bioWrite);
    BIO_meth_set_ctrl(created, &bioControl);
    BIO_meth_set_create(created, &bioCreate);
    return created;
  }();
  return method;
}

const EVP_MD* digestNamed(const std::string& hash) {
  if (hash == "sha-1") return EVP_sha1();
  if (hash == "sha-224") return EVP_sha224();
  if (hash == "sha-256") return EVP_sha256();
  if (hash == "sha-384") return EVP_sha384();
  if (hash == "sha-512") return EVP_sha512();
  return nullptr;
}

bool isColonHex(const std::string& digest, size_t digestBytes) {
  if (digestBytes == 0 || digest.size() != 3 * digestBytes - 1) {
    return false;
  }
  for (size_t i = 0; i < digest.size(); ++i) {
    const bool separator = i % 3 == 2;
    if (separator ? digest[i] != ':' : std::isxdigit(static_cast<unsigned char>(digest[i])) == 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::shared_ptr<SSL_CTX> dtlsContextFor(const std::string& certificatePem, std::string* error) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<SSL_CTX>> contexts;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = contexts.find(certificatePem);
  if (found != contexts.end()) {
    if (std::shared_ptr<SSL_CTX> context = found->second.lock()) {
      return context;
    }
  }
  SSL_CTX* created = newContext(certificatePem, error);
  if (created == nullptr) {
    GST_WARNING("%s", error->c_str());
    return nullptr;
  }
  std::shared_ptr<SSL_CTX> context(created, &SSL_CTX_free);
  // Forget the certificates no session uses any more.
  for (auto entry = contexts.begin(); entry != contexts.end();) {
    entry = entry->second.expired() ? contexts.erase(entry) : std::next(entry);
  }
  contexts[certificatePem] = context;
  GST_DEBUG("new DTLS context, %zu certificate(s) in use", contexts.size());
  return context;
}

BIO* newDatagramBio(DtlsSrtpSession* session) {
  BIO* bio = BIO_new(datagramMethod());
  if (bio != nullptr) {
    BIO_set_data(bio, session);
  }
  return bio;
}

bool parseFingerprint(const std::string& sdpValue, Fingerprint* fingerprint, std::string* error) {
  const size_t hashStart = sdpValue.find_first_not_of(" \t");
  const size_t hashEnd = sdpValue.find_first_of(" \t", hashStart);
  const size_t digestStart = sdpValue.find_first_not_of(" \t", hashEnd);
  if (hashStart == std::string::npos || digestStart == std::string::npos) {
    *error = "the remote fingerprint \"" + sdpValue + "\" is not \"<hash> <digest>\"";
    return false;
  }
  std::string hash = sdpValue.substr(hashStart, hashEnd - hashStart);
  std::transform(hash.begin(), hash.end(), hash.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string digest = sdpValue.substr(digestStart);
  digest.erase(digest.find_last_not_of(" \t\r\n") + 1);
  std::transform(digest.begin(), digest.end(), digest.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const EVP_MD* md = digestNamed(hash);
  if (md == nullptr) {
    *error = "the remote fingerprint's hash \"" + hash + "\" is not supported";
    return false;
  }
  if (!isColonHex(digest, static_cast<size_t>(EVP_MD_get_size(md)))) {
    *error = "the remote fingerprint \"" + sdpValue + "\" is not a " + hash + " digest";
    return false;
  }
  *fingerprint = Fingerprint{hash, digest};
  return true;
}

std::string fingerprintOf(X509* certificate, const std::string& hash) {
  const EVP_MD* md = digestNamed(hash);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digestBytes = 0;
  if (md == nullptr || X509_digest(certificate, md, digest, &digestBytes) != 1) {
    return "";
  }
  static const char kHex[] = "0123456789ABCDEF";
  std::string text;
  for (unsigned int i = 0; i < digestBytes; ++i) {
    if (i > 0) {
      text += ':';
    }
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 0x0f];
  }
  return text;
}

std::string openSslErrors() {
  std::string text;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    text += text.empty() ? buffer : std::string("; ") + buffer;
  }
  return text;
}

}  // namespace kurento::webrtc::lean
