// SDES keys (RFC 4568) for SRTP: the suites, the endpoint's own key (given or random), the
// a=crypto line, and the caps srtpenc/srtpdec take.
#pragma once

#include "elementsTypes.hpp"

#include <gst/gst.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kurento::rtp {

struct SrtpSuite {
  CryptoSuite suite;
  const char* sdpName;   // as in a=crypto
  size_t keyBytes;       // master key + salt
  const char* cipher;    // srtpenc/srtpdec names
  const char* auth;
};

struct SrtpKey {
  const SrtpSuite* suite = nullptr;
  std::vector<uint8_t> bytes;
  std::string base64() const;
};

const SrtpSuite* suiteOf(CryptoSuite suite);
const SrtpSuite* suiteBySdpName(const std::string& name);

// The endpoint's key from the constructor's `crypto`: nullopt when it asks for plain RTP.
// Throws 40107 naming the expected length when key or keyBase64 do not fit the suite.
std::optional<SrtpKey> localKeyFrom(const SDES& sdes);
// A random key of `suite` (for answers to SRTP offers when no crypto was configured).
SrtpKey randomKey(const SrtpSuite& suite);

// Parses the value of an a=crypto attribute ("1 AES_CM_128_HMAC_SHA1_80 inline:KEY|...").
// Returns nullopt for suites we do not know; throws 40201 for a malformed line.
struct CryptoLine {
  int tag = 0;
  SrtpKey key;
};
std::optional<CryptoLine> parseCryptoLine(const std::string& value);
std::string cryptoLine(int tag, const SrtpKey& key);

// Caps with srtp-key/cipher/auth for srtpdec's request-key, and the settings of srtpenc.
GstCaps* srtpCaps(const SrtpKey& key);
void configureEncoder(GstElement* srtpenc, const SrtpKey& key);

}  // namespace kurento::rtp
