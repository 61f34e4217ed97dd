// SDES (RFC 4568) keys: the value of a peer's a=crypto attribute (parseCryptoLine), and the
// `crypto` constructor parameter of RtpEndpoint as JSON (SDES::fromJson, localKeyFrom). A key
// that is accepted must survive a round trip through the a=crypto line we would write.
#include "rtp/SdesKeys.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Json.hpp>

#include <gst/gst.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void roundTrip(int tag, const kurento::rtp::SrtpKey& key) {
  const std::string line = kurento::rtp::cryptoLine(tag, key);
  std::optional<kurento::rtp::CryptoLine> again = kurento::rtp::parseCryptoLine(line);
  if (!again || again->tag != tag || again->key.suite != key.suite ||
      again->key.bytes != key.bytes) {
    std::fprintf(stderr, "fuzz: our own a=crypto line does not read back: %s\n", line.c_str());
    std::abort();
  }
  GstCaps* caps = kurento::rtp::srtpCaps(key);
  gst_caps_unref(caps);
}

void cryptoAttribute(const std::string& value) {
  try {
    if (std::optional<kurento::rtp::CryptoLine> line = kurento::rtp::parseCryptoLine(value)) {
      if (line->key.suite == nullptr || line->key.bytes.size() != line->key.suite->keyBytes) {
        std::fprintf(stderr, "fuzz: accepted a key of the wrong size: %s\n", value.c_str());
        std::abort();
      }
      roundTrip(line->tag, line->key);
    }
  } catch (const kms::KurentoException& e) {
    if (e.code() != kms::ErrorCode::kSdpParseError) {
      std::fprintf(stderr, "fuzz: a=crypto error %d: %s\n", static_cast<int>(e.code()), e.what());
      std::abort();
    }
  }
}

void constructorParam(const std::string& text) {
  kms::JsonDocument json;
  json.Parse(text.data(), text.size());
  if (json.HasParseError()) {
    return;
  }
  try {
    std::shared_ptr<kurento::SDES> sdes = kurento::SDES::fromJson(json, "crypto");
    if (std::optional<kurento::rtp::SrtpKey> key = kurento::rtp::localKeyFrom(*sdes)) {
      roundTrip(1, *key);
    }
  } catch (const kms::KurentoException& e) {
    const auto code = e.code();
    if (code != kms::ErrorCode::kMediaObjectIllegalParamError &&
        code != kms::ErrorCode::kMarshallError && code != kms::ErrorCode::kInvalidParams) {
      std::fprintf(stderr, "fuzz: crypto error %d: %s\n", static_cast<int>(code), e.what());
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialized = (gst_init(nullptr, nullptr), true);
  (void)initialized;
  if (size < 1) {
    return 0;
  }
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    constructorParam(text);
  } else {
    cryptoAttribute(text);
  }
  return 0;
}
