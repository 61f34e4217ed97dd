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

const char* configKey(CertificateKeyType type) {
  return type == CertificateKeyType::ECDSA ? "pemCertificateECDSA" : "pemCertificateRSA";
}

// What is wrong with `pem` as the certificate and private key of `type`; "" when nothing.
std::string pemProblem(const std::string& pem, CertificateKeyType type) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  BIO_reset(bio.get());
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!certificate) {
    return "no PEM certificate in it";
  }
  if (!key) {
    return "no unencrypted PEM private key in it";
  }
  const int wanted = type == CertificateKeyType::ECDSA ? EVP_PKEY_EC : EVP_PKEY_RSA;
  if (EVP_PKEY_get_base_id(key.get()) != wanted) {
    return std::string("its key is not ") + (type == CertificateKeyType::ECDSA ? "ECDSA" : "RSA");
  }
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    return "its private key does not match its certificate";
  }
  return "";
}

// The PEM text of the file `path`, or "" with `problem` set.
std::string readPem(const std::string& path, CertificateKeyType type, std::string& problem) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) {
    problem = path + ": cannot read the file";
    return "";
  }
  problem = pemProblem(text.str(), type);
  if (!problem.empty()) {
    problem = path + ": " + problem;
    return "";
  }
  return text.str();
}

std::mutex cacheMutex;
std::map<CertificateKeyType, std::string> cache;

}  // namespace

void loadConfiguredCertificates(const kms::ClassConfig& config) {
  for (CertificateKeyType type : {CertificateKeyType::RSA, CertificateKeyType::ECDSA}) {
    const std::string path = config.getString(configKey(type), "");
    if (path.empty()) {
      continue;
    }
    std::string problem;
    std::string pem = readPem(path, type, problem);
    if (!problem.empty()) {
      config.fail(configKey(type), problem);
    }
    std::lock_guard<std::mutex> lock(cacheMutex);
    cache[type] = std::move(pem);
  }
}

std::string certificatePem(CertificateKeyType type) {
  std::lock_guard<std::mutex> lock(cacheMutex);
  auto cached = cache.find(type);
  if (cached != cache.end()) {
    return cached->second;
  }
  const std::string path =
      kms::serverContext().classConfig("WebRtcEndpoint").getString(configKey(type), "");
  std::string problem;
  std::string pem = path.empty() ? generate(type) : readPem(path, type, problem);
  if (!problem.empty()) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string("WebRtcEndpoint.conf.ini: ") + configKey(type) + ": " +
                                    problem);
  }
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
