#include "OfferRepair.hpp"

#include <kms/sdk/Error.hpp>

#include <glib.h>

#include <algorithm>
#include <cstring>

namespace kurento::webrtc {

namespace {

constexpr const char* kPlaceholderFingerprint =
    "sha-256 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:"
    "00:00:00:00";

[[noreturn]] void refuse(const std::string& message) {
  throw kms::KurentoException(kms::ErrorCode::kSdpEndPointProcessOfferError, message);
}

bool empty(const gchar* value) { return value == nullptr || *value == '\0'; }

GstSDPMedia* mediaAt(GstSDPMessage* sdp, guint index) {
  return const_cast<GstSDPMedia*>(gst_sdp_message_get_media(sdp, index));
}

void removeMediaAttributes(GstSDPMedia* media, const char* key) {
  for (guint i = gst_sdp_media_attributes_len(media); i > 0; --i) {
    if (std::strcmp(gst_sdp_media_get_attribute(media, i - 1)->key, key) == 0) {
      gst_sdp_media_remove_attribute(media, i - 1);
    }
  }
}

// ICE characters (RFC 8445 section 15.4): letters, digits, '+' and '/'.
std::string randomIceText(size_t length) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text;
  for (size_t i = 0; i < length; ++i) {
    text += kChars[g_random_int_range(0, static_cast<gint32>(sizeof(kChars) - 1))];
  }
  return text;
}

std::vector<std::string> bundleMids(const GstSDPMessage& sdp) {
  std::vector<std::string> mids;
  const gchar* group = gst_sdp_message_get_attribute_val(&sdp, "group");
  if (group == nullptr || !g_str_has_prefix(group, "BUNDLE")) {
    return mids;
  }
  gchar** words = g_strsplit(group + 6, " ", -1);
  for (gchar** word = words; *word != nullptr; ++word) {
    if (**word != '\0') {
      mids.emplace_back(*word);
    }
  }
  g_strfreev(words);
  return mids;
}

bool inBundle(const GstSDPMedia* media, const std::vector<std::string>& bundle) {
  const gchar* mid = gst_sdp_media_get_attribute_val(media, "mid");
  return !empty(mid) && std::find(bundle.begin(), bundle.end(), mid) != bundle.end();
}

void completeFingerprints(GstSDPMessage* sdp, OfferRepair* repair) {
  if (!empty(gst_sdp_message_get_attribute_val(sdp, "fingerprint"))) {
    return;
  }
  std::string known;
  for (guint i = 0; i < gst_sdp_message_medias_len(sdp) && known.empty(); ++i) {
    const gchar* value = gst_sdp_media_get_attribute_val(mediaAt(sdp, i), "fingerprint");
    known = empty(value) ? "" : value;
  }
  if (known.empty()) {
    // Nothing to check the peer's certificate against; webrtcbin wants a line, and does not
    // compare it with the certificate (neither does Kurento).
    gst_sdp_message_add_attribute(sdp, "fingerprint", kPlaceholderFingerprint);
    repair->filled.emplace_back("no a=fingerprint (the peer's DTLS certificate is not checked)");
    return;
  }
  for (guint i = 0; i < gst_sdp_message_medias_len(sdp); ++i) {
    GstSDPMedia* media = mediaAt(sdp, i);
    if (empty(gst_sdp_media_get_attribute_val(media, "fingerprint"))) {
      removeMediaAttributes(media, "fingerprint");
      gst_sdp_media_add_attribute(media, "fingerprint", known.c_str());
      repair->filled.emplace_back(describeMedia(*sdp, i) + ": a=fingerprint of another line");
    }
  }
}

// The credentials of a bundled line that has both, or empty strings.
std::pair<std::string, std::string> bundleCredentials(const GstSDPMessage& sdp,
                                                      const std::vector<std::string>& bundle) {
  for (guint i = 0; i < gst_sdp_message_medias_len(&sdp); ++i) {
    const GstSDPMedia* media = gst_sdp_message_get_media(&sdp, i);
    const gchar* ufrag = gst_sdp_media_get_attribute_val(media, "ice-ufrag");
    const gchar* pwd = gst_sdp_media_get_attribute_val(media, "ice-pwd");
    if (inBundle(media, bundle) && !empty(ufrag) && !empty(pwd)) {
      return {ufrag, pwd};
    }
  }
  return {};
}

void completeCredentials(GstSDPMessage* sdp, OfferRepair* repair) {
  const bool sessionHas = !empty(gst_sdp_message_get_attribute_val(sdp, "ice-ufrag")) &&
                          !empty(gst_sdp_message_get_attribute_val(sdp, "ice-pwd"));
  if (sessionHas) {
    return;
  }
  const std::vector<std::string> bundle = bundleMids(*sdp);
  const auto bundled = bundleCredentials(*sdp, bundle);
  const std::pair<std::string, std::string> invented{randomIceText(8), randomIceText(24)};
  for (guint i = 0; i < gst_sdp_message_medias_len(sdp); ++i) {
    GstSDPMedia* media = mediaAt(sdp, i);
    if (!empty(gst_sdp_media_get_attribute_val(media, "ice-ufrag")) &&
        !empty(gst_sdp_media_get_attribute_val(media, "ice-pwd"))) {
      continue;
    }
    const bool fromBundle = inBundle(media, bundle) && !bundled.first.empty();
    const auto& credentials = fromBundle ? bundled : invented;
    removeMediaAttributes(media, "ice-ufrag");
    removeMediaAttributes(media, "ice-pwd");
    gst_sdp_media_add_attribute(media, "ice-ufrag", credentials.first.c_str());
    gst_sdp_media_add_attribute(media, "ice-pwd", credentials.second.c_str());
    if (fromBundle) {
      repair->filled.emplace_back(describeMedia(*sdp, i) + ": ICE credentials of its bundle");
      continue;
    }
    // Checks sent with made-up credentials fail: the peer's candidates are of no use, the
    // path is the one the peer's own checks come from.
    removeMediaAttributes(media, "candidate");
    removeMediaAttributes(media, "end-of-candidates");
    repair->inventedCredentials.push_back(i);
    repair->filled.emplace_back(describeMedia(*sdp, i) + ": no ICE credentials");
  }
}

void completeSetup(GstSDPMessage* sdp, OfferRepair* repair) {
  static const char* const kValid[] = {"actpass", "active", "passive", nullptr};
  for (guint i = 0; i < gst_sdp_message_medias_len(sdp); ++i) {
    GstSDPMedia* media = mediaAt(sdp, i);
    const gchar* setup = gst_sdp_media_get_attribute_val(media, "setup");
    if (empty(setup)) {
      setup = gst_sdp_message_get_attribute_val(sdp, "setup");
    }
    if (empty(setup)) {
      // RFC 5763: an offerer uses actpass; we take the DTLS client's role.
      removeMediaAttributes(media, "setup");
      gst_sdp_media_add_attribute(media, "setup", "actpass");
      repair->filled.emplace_back(describeMedia(*sdp, i) + ": no a=setup (taken as actpass)");
    } else if (!g_strv_contains(kValid, setup)) {
      refuse(describeMedia(*sdp, i) + ": a=setup:" + setup +
             " cannot be served: DTLS-SRTP needs actpass, active or passive (RFC 5763)");
    } else if (empty(gst_sdp_media_get_attribute_val(media, "setup"))) {
      gst_sdp_media_add_attribute(media, "setup", setup);  // the session's, where webrtcbin looks
    }
  }
}

void completeMids(GstSDPMessage* sdp, OfferRepair* repair) {
  std::vector<std::string> used;
  for (guint i = 0; i < gst_sdp_message_medias_len(sdp); ++i) {
    const gchar* mid = gst_sdp_media_get_attribute_val(mediaAt(sdp, i), "mid");
    if (!empty(mid)) {
      used.emplace_back(mid);
    }
  }
  for (guint i = 0; i < gst_sdp_message_medias_len(sdp); ++i) {
    GstSDPMedia* media = mediaAt(sdp, i);
    if (!empty(gst_sdp_media_get_attribute_val(media, "mid"))) {
      continue;
    }
    std::string mid = std::to_string(i);
    while (std::find(used.begin(), used.end(), mid) != used.end()) {
      mid = "m" + mid;
    }
    used.push_back(mid);
    removeMediaAttributes(media, "mid");
    gst_sdp_media_add_attribute(media, "mid", mid.c_str());
    repair->inventedMids.push_back(i);
    repair->filled.emplace_back("media " + std::to_string(i) + " had no a=mid");
  }
}

// The transports WebRTC uses (RFC 8829 section 5.1.2, and the plain/SAVP forms old clients send).
bool knownProto(const std::string& proto) {
  for (const char* known : {"UDP/TLS/RTP/SAVPF", "TCP/DTLS/RTP/SAVPF", "UDP/TLS/RTP/SAVP",
                            "RTP/SAVPF", "RTP/SAVP", "RTP/AVPF", "RTP/AVP", "UDP/DTLS/SCTP",
                            "TCP/DTLS/SCTP", "DTLS/SCTP"}) {
    if (proto == known) {
      return true;
    }
  }
  return false;
}

// What webrtcbin 1.22 does not check itself: a media line with a transport it has no name for,
// or without a single format, crashed it (found by fuzz_sdp_webrtc: a null transport read on its
// own thread, the whole server gone).
void checkMediaLines(const GstSDPMessage& offer) {
  for (guint i = 0; i < gst_sdp_message_medias_len(&offer); ++i) {
    const GstSDPMedia* media = gst_sdp_message_get_media(&offer, i);
    const gchar* proto = gst_sdp_media_get_proto(media);
    if (empty(proto) || !knownProto(proto)) {
      refuse(describeMedia(offer, i) + ": transport '" + std::string(proto != nullptr ? proto : "") +
             "' is not one WebRTC uses (UDP/TLS/RTP/SAVPF, RTP/SAVPF, UDP/DTLS/SCTP, ...)");
    }
    if (gst_sdp_media_formats_len(media) == 0) {
      refuse(describeMedia(offer, i) + ": the m= line lists no payload format");
    }
  }
}

}  // namespace

OfferRepair completeOffer(GstSDPMessage* offer) {
  checkMediaLines(*offer);
  const GstSDPKey* key = gst_sdp_message_get_key(offer);
  if (key != nullptr && !empty(key->data)) {
    refuse(
        "the offer's k= line cannot be served: it carries a key in the clear (RFC 4566 "
        "section 5.12); WebRTC media is keyed by DTLS-SRTP");
  }
  OfferRepair repair;
  completeMids(offer, &repair);  // first: the others name lines by mid
  completeFingerprints(offer, &repair);
  completeCredentials(offer, &repair);
  completeSetup(offer, &repair);
  completeDirections(offer, &repair.filled);
  return repair;
}

void completeDirections(GstSDPMessage* sdp, std::vector<std::string>* filled) {
  // Looked up by key: a flag attribute has no value to look up.
  auto directionOf = [](guint count, auto keyAt) -> const char* {
    static const char* const kDirections[] = {"sendrecv", "sendonly", "recvonly", "inactive"};
    for (guint i = 0; i < count; ++i) {
      for (const char* direction : kDirections) {
        if (std::strcmp(keyAt(i), direction) == 0) {
          return direction;
        }
      }
    }
    return nullptr;
  };
  const char* session =
      directionOf(gst_sdp_message_attributes_len(sdp),
                  [sdp](guint i) { return gst_sdp_message_get_attribute(sdp, i)->key; });
  for (guint m = 0; m < gst_sdp_message_medias_len(sdp); ++m) {
    GstSDPMedia* media = mediaAt(sdp, m);
    if (directionOf(gst_sdp_media_attributes_len(media), [media](guint i) {
          return gst_sdp_media_get_attribute(media, i)->key;
        }) != nullptr) {
      continue;
    }
    // "", as the parser makes it: gst_sdp_media_attributes_to_caps reads every value as text.
    gst_sdp_media_add_attribute(media, session != nullptr ? session : "sendrecv", "");
    if (session == nullptr) {
      filled->emplace_back(describeMedia(*sdp, m) + ": no direction (taken as sendrecv)");
    }
  }
}

std::string describeMedia(const GstSDPMessage& sdp, guint index) {
  if (index >= gst_sdp_message_medias_len(&sdp)) {
    return "media " + std::to_string(index);
  }
  const GstSDPMedia* media = gst_sdp_message_get_media(&sdp, index);
  const gchar* kind = gst_sdp_media_get_media(media);
  const gchar* mid = gst_sdp_media_get_attribute_val(media, "mid");
  std::string text =
      "m=" + std::string(kind != nullptr ? kind : "?") + " (media " + std::to_string(index);
  if (!empty(mid)) {
    text += ", mid '" + std::string(mid) + "'";
  }
  return text + ")";
}

std::string withMediaNames(const std::string& message, const GstSDPMessage& sdp) {
  std::string out;
  size_t start = 0;
  for (size_t at = message.find("media "); at != std::string::npos;
       at = message.find("media ", at + 6)) {
    size_t end = at + 6;
    while (end < message.size() && g_ascii_isdigit(message[end])) {
      ++end;
    }
    if (end == at + 6) {
      continue;
    }
    const guint index = static_cast<guint>(std::stoul(message.substr(at + 6, end - at - 6)));
    out += message.substr(start, at - start) + describeMedia(sdp, index);
    start = end;
  }
  return out + message.substr(start);
}

std::string withoutMids(const std::string& answer, const std::vector<guint>& mlines) {
  std::string out;
  int media = -1;
  size_t start = 0;
  while (start < answer.size()) {
    size_t end = answer.find('\n', start);
    end = end == std::string::npos ? answer.size() : end + 1;
    const std::string line = answer.substr(start, end - start);
    start = end;
    if (line.rfind("m=", 0) == 0) {
      ++media;
    }
    const bool dropped =
        line.rfind("a=mid:", 0) == 0 && media >= 0 &&
        std::find(mlines.begin(), mlines.end(), static_cast<guint>(media)) != mlines.end();
    if (!dropped) {
      out += line;
    }
  }
  return out;
}

bool mediaDestination(const GstSDPMessage& sdp, guint index, std::string* address, guint* port) {
  if (index >= gst_sdp_message_medias_len(&sdp)) {
    return false;
  }
  const GstSDPMedia* media = gst_sdp_message_get_media(&sdp, index);
  const GstSDPConnection* connection = gst_sdp_media_connections_len(media) > 0
                                           ? gst_sdp_media_get_connection(media, 0)
                                           : gst_sdp_message_get_connection(&sdp);
  const guint mediaPort = gst_sdp_media_get_port(media);
  if (connection == nullptr || empty(connection->address) || mediaPort == 0 || mediaPort == 9 ||
      std::strcmp(connection->address, "0.0.0.0") == 0 ||
      std::strcmp(connection->address, "::") == 0) {
    return false;
  }
  *address = connection->address;
  *port = mediaPort;
  return true;
}

}  // namespace kurento::webrtc
