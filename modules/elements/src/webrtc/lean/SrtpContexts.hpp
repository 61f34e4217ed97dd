// The libsrtp side of a DTLS-SRTP session: one context for what we send and one for what the
// peer sends, keyed by the material a DTLS handshake exported (RFC 5764 section 4.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

struct srtp_ctx_t_;

namespace kurento::webrtc::lean {

// The use_srtp profiles we offer, best first, as SSL_CTX_set_tlsext_use_srtp takes them:
// AES-GCM only when this process's libsrtp can make an AES-GCM context. Initializes libsrtp
// (once per process).
const char* offeredSrtpProfiles();

class SrtpContexts {
 public:
  // Bytes of keying material `profileId` (OpenSSL's SRTP_* id) needs; 0 for one we do not offer.
  static size_t keyingMaterialBytes(unsigned long profileId);
  // `material`: what SSL_export_keying_material("EXTRACTOR-dtls_srtp") gave, client key,
  // server key, client salt, server salt. nullptr, with *error set, when libsrtp refuses.
  static std::unique_ptr<SrtpContexts> create(unsigned long profileId, const uint8_t* material,
                                              size_t materialBytes, bool weAreClient,
                                              std::string* error);
  ~SrtpContexts();
  SrtpContexts(const SrtpContexts&) = delete;
  SrtpContexts& operator=(const SrtpContexts&) = delete;

  bool protectRtp(uint8_t* packet, size_t* size, size_t capacity);
  bool protectRtcp(uint8_t* packet, size_t* size, size_t capacity);
  bool unprotectRtp(uint8_t* packet, size_t* size);
  bool unprotectRtcp(uint8_t* packet, size_t* size);

 private:
  SrtpContexts(size_t rtpTagBytes, size_t rtcpTagBytes)
      : rtpTagBytes_(rtpTagBytes), rtcpTagBytes_(rtcpTagBytes) {}

  const size_t rtpTagBytes_;
  const size_t rtcpTagBytes_;
  // Audio and video threads protect RTP at the same time, the event loop RTCP: one lock per
  // direction (libsrtp contexts are not thread-safe).
  std::mutex outboundMutex_;
  srtp_ctx_t_* outbound_ = nullptr;
  std::mutex inboundMutex_;
  srtp_ctx_t_* inbound_ = nullptr;
};

}  // namespace kurento::webrtc::lean
