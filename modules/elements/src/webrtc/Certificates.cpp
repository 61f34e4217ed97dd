#include "Certificates.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

namespace kurento::webrtc {

namespace {

constexpr long kValiditySeconds = 365L * 24 * 3600;

[[noreturn]] void fail(const std::string& message) {
  throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources, message);
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(length));
}

// A self-signed certificate for a new RSA 2048 or ECDSA P-256 key.
std::string generate(CertificateKeyType type) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      type == CertificateKeyType::ECDSA ? EVP_EC_gen("prime256v1") : EVP_RSA_gen(2048),
      &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), &X509_free);
  if (!key || !certificate) {
    fail("OpenSSL could not make a DTLS key");
  }
  unsigned char serial[8];
  RAND_bytes(serial, sizeof serial);
  X509_set_version(certificate.get(), 2);
  BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.get()));
  BN_free(number);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -24 * 3600);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), kValiditySeconds);
  X509_set_pubkey(certificate.get(), key.get());
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("kurento-media-server"), -1, -1,
                             0);
  X509_set_issuer_name(certificate.get(), name);
  if (X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0) {
    fail("OpenSSL could not sign the DTLS certificate");
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_X509(bio.get(), certificate.get());
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return bioText(bio.get());
}

std::string fromFile(const std::string& key, const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  const std::string pem = text.str();
  if (!file || pem.find("CERTIFICATE-----") == std::string::npos ||
      pem.find("PRIVATE KEY-----") == std::string::npos) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "WebRtcEndpoint.conf.ini: " + key + " = " + path +
                                    ": not a readable PEM file with a certificate and its "
                                    "private key");
  }
  return pem;
}

}  // namespace

std::string certificatePem(CertificateKeyType type) {
  static std::mutex mutex;
  static std::map<CertificateKeyType, std::string> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto cached = cache.find(type);
  if (cached != cache.end()) {
    return cached->second;
  }
  const char* key = type == CertificateKeyType::ECDSA ? "pemCertificateECDSA" : "pemCertificateRSA";
  const std::string path =
      kms::serverContext().classConfig("WebRtcEndpoint").getString(key, "");
  std::string pem = path.empty() ? generate(type) : fromFile(key, path);
  cache[type] = pem;
  return pem;
}

std::string certificateFingerprint(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!certificate || X509_digest(certificate.get(), EVP_sha256(), digest, &length) == 0) {
    fail("cannot compute the DTLS certificate's fingerprint");
  }
  static const char kHex[] = "0123456789ABCDEF";
  std::string text;
  for (unsigned int i = 0; i < length; ++i) {
    text += (i == 0 ? "" : ":");
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 15];
  }
  return text;
}

}  // namespace kurento::webrtc
