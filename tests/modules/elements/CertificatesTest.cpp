// WebRtcEndpoint's DTLS certificates: the key type asked for, one per type per process, and the
// fingerprint our descriptions announce.
#include "webrtc/Certificates.hpp"

#include "TestContext.hpp"

#include <gst/gst.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace kurento::webrtc {
namespace {

int keyTypeOf(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  return key ? EVP_PKEY_get_base_id(key.get()) : 0;
}

TEST(CertificatesTest, GivesTheRequestedKeyTypeOncePerProcess) {
  kms::test::TestContext context;
  const std::string rsa = certificatePem(CertificateKeyType::RSA);
  const std::string ecdsa = certificatePem(CertificateKeyType::ECDSA);
  EXPECT_EQ(keyTypeOf(rsa), EVP_PKEY_RSA);
  EXPECT_EQ(keyTypeOf(ecdsa), EVP_PKEY_EC);
  EXPECT_NE(rsa.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(certificatePem(CertificateKeyType::RSA), rsa);  // cached
  EXPECT_NE(certificateFingerprint(rsa), certificateFingerprint(ecdsa));
}

TEST(CertificatesTest, FingerprintIsTheSha256OfTheCertificate) {
  kms::test::TestContext context;
  const std::string pem = certificatePem(CertificateKeyType::ECDSA);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  ASSERT_TRUE(certificate);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  ASSERT_EQ(X509_digest(certificate.get(), EVP_sha256(), digest, &length), 1);
  const std::string fingerprint = certificateFingerprint(pem);
  ASSERT_EQ(fingerprint.size(), length * 3 - 1);  // "AB:CD:..."
  char first[3];
  std::snprintf(first, sizeof first, "%02X", digest[0]);
  EXPECT_EQ(fingerprint.substr(0, 2), first);
}

}  // namespace
}  // namespace kurento::webrtc

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
