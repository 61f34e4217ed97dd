#include "SdesKeys.hpp"

#include <kms/sdk/Error.hpp>

#include <sys/random.h>

#include <cstring>

namespace kurento::rtp {

namespace {

const SrtpSuite kSuites[] = {
    {CryptoSuite::AES_128_CM_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", 30, "aes-128-icm",
     "hmac-sha1-80"},
    {CryptoSuite::AES_128_CM_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", 30, "aes-128-icm",
     "hmac-sha1-32"},
    {CryptoSuite::AES_256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80", 46, "aes-256-icm",
     "hmac-sha1-80"},
    {CryptoSuite::AES_256_CM_HMAC_SHA1_32, "AES_256_CM_HMAC_SHA1_32", 46, "aes-256-icm",
     "hmac-sha1-32"},
};

[[noreturn]] void badKey(const std::string& message) {
  throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError, message);
}

std::vector<uint8_t> decodeBase64(const std::string& text) {
  gsize length = 0;
  guchar* decoded = g_base64_decode(text.c_str(), &length);
  std::vector<uint8_t> bytes(decoded, decoded + length);
  g_free(decoded);
  return bytes;
}

bool isBase64(const std::string& text) {
  return !text.empty() &&
         text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
             std::string::npos;
}

}  // namespace

std::string SrtpKey::base64() const {
  gchar* text = g_base64_encode(bytes.data(), bytes.size());
  std::string result(text);
  g_free(text);
  return result;
}

const SrtpSuite* suiteOf(CryptoSuite suite) {
  for (const SrtpSuite& candidate : kSuites) {
    if (candidate.suite == suite) {
      return &candidate;
    }
  }
  return nullptr;
}

const SrtpSuite* suiteBySdpName(const std::string& name) {
  for (const SrtpSuite& candidate : kSuites) {
    if (name == candidate.sdpName) {
      return &candidate;
    }
  }
  return nullptr;
}

SrtpKey randomKey(const SrtpSuite& suite) {
  SrtpKey key{&suite, std::vector<uint8_t>(suite.keyBytes)};
  if (getrandom(key.bytes.data(), key.bytes.size(), 0) != static_cast<ssize_t>(key.bytes.size())) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "no random bytes for an SRTP key: " + std::string(strerror(errno)));
  }
  return key;
}

std::optional<SrtpKey> localKeyFrom(const SDES& sdes) {
  if (!sdes.crypto) {
    if (sdes.key || sdes.keyBase64) {
      badKey("crypto: a key was given without a crypto suite (crypto.crypto, e.g. "
             "AES_128_CM_HMAC_SHA1_80)");
    }
    return std::nullopt;
  }
  const SrtpSuite* suite = suiteOf(*sdes.crypto);
  if (suite == nullptr) {
    badKey("crypto: unknown crypto suite");
  }
  if (sdes.key && sdes.keyBase64) {
    badKey("crypto: give key or keyBase64, not both");
  }
  if (sdes.key) {
    if (sdes.key->size() != suite->keyBytes) {
      badKey("crypto.key must be " + std::to_string(suite->keyBytes) + " characters for " +
             toString(suite->suite) + " (master key and salt), not " +
             std::to_string(sdes.key->size()));
    }
    return SrtpKey{suite, std::vector<uint8_t>(sdes.key->begin(), sdes.key->end())};
  }
  if (sdes.keyBase64) {
    if (!isBase64(*sdes.keyBase64)) {
      badKey("crypto.keyBase64 is not base64 text");
    }
    std::vector<uint8_t> bytes = decodeBase64(*sdes.keyBase64);
    if (bytes.size() != suite->keyBytes) {
      badKey("crypto.keyBase64 must decode to " + std::to_string(suite->keyBytes) +
             " bytes for " + toString(suite->suite) + ", not " + std::to_string(bytes.size()));
    }
    return SrtpKey{suite, std::move(bytes)};
  }
  return randomKey(*suite);
}

std::optional<CryptoLine> parseCryptoLine(const std::string& value) {
  char suiteName[64] = {};
  char keyParams[512] = {};
  int tag = 0;
  if (value.size() > 600 ||
      std::sscanf(value.c_str(), "%d %63s inline:%511s", &tag, suiteName, keyParams) != 3) {
    throw kms::KurentoException(kms::ErrorCode::kSdpParseError,
                                "malformed a=crypto line: '" + value.substr(0, 100) + "'");
  }
  const SrtpSuite* suite = suiteBySdpName(suiteName);
  if (suite == nullptr) {
    return std::nullopt;
  }
  std::string keyText(keyParams);
  keyText = keyText.substr(0, keyText.find('|'));  // lifetime and MKI are not used
  std::vector<uint8_t> bytes = isBase64(keyText) ? decodeBase64(keyText) : std::vector<uint8_t>{};
  if (bytes.size() != suite->keyBytes) {
    throw kms::KurentoException(kms::ErrorCode::kSdpParseError,
                                std::string("a=crypto key for ") + suite->sdpName + " must be " +
                                    std::to_string(suite->keyBytes) + " bytes in base64");
  }
  return CryptoLine{tag, SrtpKey{suite, std::move(bytes)}};
}

std::string cryptoLine(int tag, const SrtpKey& key) {
  return std::to_string(tag) + " " + key.suite->sdpName + " inline:" + key.base64();
}

GstCaps* srtpCaps(const SrtpKey& key) {
  GstBuffer* buffer = gst_buffer_new_memdup(key.bytes.data(), key.bytes.size());
  GstCaps* caps = gst_caps_new_simple(
      "application/x-srtp", "srtp-key", GST_TYPE_BUFFER, buffer, "srtp-cipher", G_TYPE_STRING,
      key.suite->cipher, "srtp-auth", G_TYPE_STRING, key.suite->auth, "srtcp-cipher",
      G_TYPE_STRING, key.suite->cipher, "srtcp-auth", G_TYPE_STRING, key.suite->auth, nullptr);
  gst_buffer_unref(buffer);
  return caps;
}

void configureEncoder(GstElement* srtpenc, const SrtpKey& key) {
  GstBuffer* buffer = gst_buffer_new_memdup(key.bytes.data(), key.bytes.size());
  gst_util_set_object_arg(G_OBJECT(srtpenc), "rtp-cipher", key.suite->cipher);
  gst_util_set_object_arg(G_OBJECT(srtpenc), "rtp-auth", key.suite->auth);
  gst_util_set_object_arg(G_OBJECT(srtpenc), "rtcp-cipher", key.suite->cipher);
  gst_util_set_object_arg(G_OBJECT(srtpenc), "rtcp-auth", key.suite->auth);
  g_object_set(srtpenc, "key", buffer, nullptr);
  gst_buffer_unref(buffer);
}

}  // namespace kurento::rtp
