// libsrtp contexts of a DTLS-SRTP session, and what this process's libsrtp can do.
#include "webrtc/lean/SrtpContexts.hpp"

#include <kms/sdk/Gst.hpp>

#include <openssl/crypto.h>
#include <openssl/srtp.h>
#include <srtp2/srtp.h>

#include <climits>
#include <cstring>
#include <vector>

namespace kurento::webrtc::lean {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-srtp", "SRTP contexts of lean WebRTC");
}  // namespace
#define GST_CAT_DEFAULT kCat

namespace {

constexpr unsigned long kReplayWindowPackets = 1024;  // libsrtp allows 64..32767
constexpr size_t kSrtcpIndexBytes = 4;
constexpr size_t kRtpHeaderBytes = 12;
constexpr size_t kRtcpHeaderBytes = 8;

struct Profile {
  unsigned long id;  // OpenSSL's SRTP_* value
  srtp_profile_t srtp;
  size_t keyBytes;
  size_t saltBytes;
  size_t tagBytes;
};

constexpr Profile kProfiles[] = {
    {SRTP_AES128_CM_SHA1_80, srtp_profile_aes128_cm_sha1_80, 16, 14, 10},
    {SRTP_AEAD_AES_128_GCM, srtp_profile_aead_aes_128_gcm, 16, 12, 16},
};

const Profile* profileOf(unsigned long id) {
  for (const Profile& profile : kProfiles) {
    if (profile.id == id) {
      return &profile;
    }
  }
  return nullptr;
}

// A context of `profile` for one direction; nullptr (logged) when libsrtp refuses.
srtp_t createContext(const Profile& profile, const uint8_t* key, const uint8_t* salt, bool outbound,
                     srtp_err_status_t* status) {
  std::vector<unsigned char> master(profile.keyBytes + profile.saltBytes);
  std::memcpy(master.data(), key, profile.keyBytes);
  std::memcpy(master.data() + profile.keyBytes, salt, profile.saltBytes);
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, profile.srtp);
  srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, profile.srtp);
  policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.key = master.data();
  policy.window_size = kReplayWindowPackets;
  // A NACKed packet is sent again as it was: same sequence number, same payload.
  policy.allow_repeat_tx = outbound ? 1 : 0;
  policy.next = nullptr;
  srtp_t context = nullptr;
  *status = srtp_create(&context, &policy);
  OPENSSL_cleanse(master.data(), master.size());
  return *status == srtp_err_status_ok ? context : nullptr;
}

// Whether libsrtp makes contexts of `profile` (AES-GCM needs a crypto library behind it).
bool works(const Profile& profile) {
  const uint8_t zeros[32] = {};
  srtp_err_status_t status;
  srtp_t context = createContext(profile, zeros, zeros, true, &status);
  if (context == nullptr) {
    GST_INFO("libsrtp cannot make %lu contexts (status %d)", profile.id, static_cast<int>(status));
    return false;
  }
  srtp_dealloc(context);
  return true;
}

struct LibSrtp {
  bool ready = false;
  const char* profiles = "SRTP_AES128_CM_SHA1_80";
};

const LibSrtp& libSrtp() {
  // A function-local static: initialized once, thread-safely, and never torn down (other
  // libraries in the process, GStreamer's srtp plugin, share libsrtp).
  static const LibSrtp library = [] {
    LibSrtp result;
    // Initialized before (by GStreamer's srtp plugin), libsrtp runs its self-tests again here
    // and may report a failure of one of them: what counts is whether contexts can be made.
    const srtp_err_status_t status = srtp_init();
    if (status != srtp_err_status_ok) {
      GST_WARNING("srtp_init: status %d", static_cast<int>(status));
    }
    result.ready = works(*profileOf(SRTP_AES128_CM_SHA1_80));
    if (!result.ready) {
      GST_ERROR("libsrtp cannot make AES-CM contexts: no SRTP");
      return result;
    }
    if (works(*profileOf(SRTP_AEAD_AES_128_GCM))) {
      result.profiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";
    }
    GST_INFO("libsrtp %s, offering %s", srtp_get_version_string(), result.profiles);
    return result;
  }();
  return library;
}

bool fitsInt(size_t size) { return size <= static_cast<size_t>(INT_MAX); }

// Version 2 with the fixed header, its CSRCs and any extension header within `size`.
bool looksLikeRtp(const uint8_t* packet, size_t size) {
  if (size < kRtpHeaderBytes || (packet[0] >> 6) != 2) {
    return false;
  }
  size_t header = kRtpHeaderBytes + 4 * (packet[0] & 0x0f);
  if ((packet[0] & 0x10) != 0) {
    if (size < header + 4) {
      return false;
    }
    header += 4 + 4 * ((packet[header + 2] << 8) | packet[header + 3]);
  }
  return header <= size;
}

bool looksLikeRtcp(const uint8_t* packet, size_t size) {
  return size >= kRtcpHeaderBytes && (packet[0] >> 6) == 2;
}

}  // namespace

const char* offeredSrtpProfiles() { return libSrtp().profiles; }

size_t SrtpContexts::keyingMaterialBytes(unsigned long profileId) {
  const Profile* profile = profileOf(profileId);
  return profile == nullptr ? 0 : 2 * (profile->keyBytes + profile->saltBytes);
}

std::unique_ptr<SrtpContexts> SrtpContexts::create(unsigned long profileId, const uint8_t* material,
                                                   size_t materialBytes, bool weAreClient,
                                                   std::string* error) {
  const Profile* profile = profileOf(profileId);
  if (!libSrtp().ready || profile == nullptr || materialBytes != keyingMaterialBytes(profileId)) {
    *error = "no SRTP context for profile " + std::to_string(profileId);
    return nullptr;
  }
  const uint8_t* clientKey = material;
  const uint8_t* serverKey = clientKey + profile->keyBytes;
  const uint8_t* clientSalt = serverKey + profile->keyBytes;
  const uint8_t* serverSalt = clientSalt + profile->saltBytes;
  std::unique_ptr<SrtpContexts> contexts(
      new SrtpContexts(profile->tagBytes, profile->tagBytes + kSrtcpIndexBytes));
  srtp_err_status_t status;
  contexts->outbound_ = createContext(*profile, weAreClient ? clientKey : serverKey,
                                      weAreClient ? clientSalt : serverSalt, true, &status);
  if (contexts->outbound_ != nullptr) {
    contexts->inbound_ = createContext(*profile, weAreClient ? serverKey : clientKey,
                                       weAreClient ? serverSalt : clientSalt, false, &status);
  }
  if (contexts->inbound_ == nullptr) {
    *error = "libsrtp refused the keys (srtp_create status " +
             std::to_string(static_cast<int>(status)) + ")";
    return nullptr;
  }
  return contexts;
}

SrtpContexts::~SrtpContexts() {
  if (outbound_ != nullptr) {
    srtp_dealloc(outbound_);
  }
  if (inbound_ != nullptr) {
    srtp_dealloc(inbound_);
  }
}

bool SrtpContexts::protectRtp(uint8_t* packet, size_t* size, size_t capacity) {
  if (!looksLikeRtp(packet, *size) || capacity < *size + rtpTagBytes_ || !fitsInt(capacity)) {
    return false;
  }
  int length = static_cast<int>(*size);
  srtp_err_status_t status;
  {
    std::lock_guard<std::mutex> lock(outboundMutex_);
    status = srtp_protect(outbound_, packet, &length);
  }
  if (status != srtp_err_status_ok) {
    GST_LOG("srtp_protect: status %d", static_cast<int>(status));
    return false;
  }
  *size = static_cast<size_t>(length);
  return true;
}

bool SrtpContexts::protectRtcp(uint8_t* packet, size_t* size, size_t capacity) {
  if (!looksLikeRtcp(packet, *size) || capacity < *size + rtcpTagBytes_ || !fitsInt(capacity)) {
    return false;
  }
  int length = static_cast<int>(*size);
  srtp_err_status_t status;
  {
    std::lock_guard<std::mutex> lock(outboundMutex_);
    status = srtp_protect_rtcp(outbound_, packet, &length);
  }
  if (status != srtp_err_status_ok) {
    GST_LOG("srtp_protect_rtcp: status %d", static_cast<int>(status));
    return false;
  }
  *size = static_cast<size_t>(length);
  return true;
}

bool SrtpContexts::unprotectRtp(uint8_t* packet, size_t* size) {
  if (!looksLikeRtp(packet, *size) || *size < kRtpHeaderBytes + rtpTagBytes_ || !fitsInt(*size)) {
    return false;
  }
  int length = static_cast<int>(*size);
  srtp_err_status_t status;
  {
    std::lock_guard<std::mutex> lock(inboundMutex_);
    status = srtp_unprotect(inbound_, packet, &length);
  }
  if (status != srtp_err_status_ok) {
    GST_LOG("srtp_unprotect: status %d", static_cast<int>(status));
    return false;
  }
  *size = static_cast<size_t>(length);
  return true;
}

bool SrtpContexts::unprotectRtcp(uint8_t* packet, size_t* size) {
  if (!looksLikeRtcp(packet, *size) || *size < kRtcpHeaderBytes + rtcpTagBytes_ ||
      !fitsInt(*size)) {
    return false;
  }
  int length = static_cast<int>(*size);
  srtp_err_status_t status;
  {
    std::lock_guard<std::mutex> lock(inboundMutex_);
    status = srtp_unprotect_rtcp(inbound_, packet, &length);
  }
  if (status != srtp_err_status_ok) {
    GST_LOG("srtp_unprotect_rtcp: status %d", static_cast<int>(status));
    return false;
  }
  *size = static_cast<size_t>(length);
  return true;
}

}  // namespace kurento::webrtc::lean
