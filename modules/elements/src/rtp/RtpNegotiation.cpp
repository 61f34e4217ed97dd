#include "RtpNegotiation.hpp"

#include <kms/sdk/Error.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>

namespace kurento::rtp {

namespace {

// The RTCP feedback (RFC 4585 rtcp-fb values) we offer and accept for video.
constexpr const char* kVideoFeedback[] = {"nack", "nack pli", "ccm fir", "goog-remb"};

struct RemoteFormat {
  int payloadType = -1;
  std::string name;
  int clockRate = 0;
};

[[noreturn]] void fail(kms::ErrorCode code, const std::string& message) {
  throw kms::KurentoException(code, message);
}

MediaType mediaTypeOf(const GstSDPMedia* media) {
  const char* name = gst_sdp_media_get_media(media);
  if (std::strcmp(name, "audio") == 0) {
    return MediaType::AUDIO;
  }
  return std::strcmp(name, "video") == 0 ? MediaType::VIDEO : MediaType::kInvalid;
}

const char* lowerName(MediaType type) { return type == MediaType::AUDIO ? "audio" : "video"; }

// The value after "<pt> " of the attribute `key` for payload type `pt` ("" when absent).
std::string formatAttribute(const GstSDPMedia* media, const char* key, int pt) {
  const std::string prefix = std::to_string(pt) + " ";
  for (guint i = 0; const gchar* value = gst_sdp_media_get_attribute_val_n(media, key, i); ++i) {
    if (std::strncmp(value, prefix.c_str(), prefix.size()) == 0) {
      return value + prefix.size();
    }
  }
  return {};
}

RemoteFormat remoteFormat(const GstSDPMedia* media, guint index) {
  RemoteFormat format;
  format.payloadType = std::atoi(gst_sdp_media_get_format(media, index));
  const std::string rtpmap = formatAttribute(media, "rtpmap", format.payloadType);
  if (!rtpmap.empty()) {
    const size_t slash = rtpmap.find('/');
    format.name = rtpmap.substr(0, slash);
    format.clockRate = slash == std::string::npos ? 0 : std::atoi(rtpmap.c_str() + slash + 1);
  } else if (format.payloadType == 0) {
    format = {0, "PCMU", 8000};
  } else if (format.payloadType == 8) {
    format = {8, "PCMA", 8000};
  }
  return format;
}


std::string connectionAddress(const GstSDPMessage& message, const GstSDPMedia* media) {
  if (gst_sdp_media_connections_len(media) > 0) {
    const GstSDPConnection* connection = gst_sdp_media_get_connection(media, 0);
    if (connection->address != nullptr) {
      return connection->address;
    }
  }
  const GstSDPConnection* session = gst_sdp_message_get_connection(&message);
  return session != nullptr && session->address != nullptr ? session->address : "";
}

// Our direction for the peer's: what they send, we receive, and the reverse.
void applyDirection(const GstSDPMedia* media, MediaPlan& plan) {
  if (gst_sdp_media_get_attribute_val(media, "sendonly") != nullptr) {
    plan.send = false;
  } else if (gst_sdp_media_get_attribute_val(media, "recvonly") != nullptr) {
    plan.receive = false;
  } else if (gst_sdp_media_get_attribute_val(media, "inactive") != nullptr) {
    plan.send = plan.receive = false;
  }
}

const char* directionOf(const MediaPlan& plan) {
  if (plan.send && plan.receive) {
    return "sendrecv";
  }
  return plan.send ? "sendonly" : plan.receive ? "recvonly" : "inactive";
}

void readRemoteTransport(const GstSDPMessage& message, const GstSDPMedia* media,
                         MediaPlan& plan) {
  plan.remoteAddress = connectionAddress(message, media);
  plan.remoteRtpPort = static_cast<uint16_t>(gst_sdp_media_get_port(media));
  const gchar* rtcp = gst_sdp_media_get_attribute_val(media, "rtcp");
  plan.rtcpMux = gst_sdp_media_get_attribute_val(media, "rtcp-mux") != nullptr;
  plan.remoteRtcpPort = plan.rtcpMux    ? plan.remoteRtpPort
                        : rtcp != nullptr ? static_cast<uint16_t>(std::atoi(rtcp))
                                          : static_cast<uint16_t>(plan.remoteRtpPort + 1);
  const gchar* direction = gst_sdp_media_get_attribute_val(media, "direction");
  plan.comedia = direction != nullptr && std::strcmp(direction, "active") == 0;
}

bool isSecureProfile(const char* proto) { return std::strstr(proto, "SAVP") != nullptr; }

bool isRtpProfile(const char* proto) {
  return std::strcmp(proto, "RTP/AVP") == 0 || std::strcmp(proto, "RTP/AVPF") == 0 ||
         std::strcmp(proto, "RTP/SAVP") == 0 || std::strcmp(proto, "RTP/SAVPF") == 0;
}

void addCodec(GstSDPMedia* media, const CodecInfo& codec, int pt, const std::string& fmtp,
              bool feedback) {
  const std::string number = std::to_string(pt);
  gst_sdp_media_add_format(media, number.c_str());
  std::string rtpmap = number + " " + codec.name + "/" + std::to_string(codec.clockRate);
  if (codec.channels > 1) {
    rtpmap += "/" + std::to_string(codec.channels);
  }
  gst_sdp_media_add_attribute(media, "rtpmap", rtpmap.c_str());
  if (!fmtp.empty()) {
    gst_sdp_media_add_attribute(media, "fmtp", (number + " " + fmtp).c_str());
  }
  if (feedback && codec.type == MediaType::VIDEO) {
    for (const char* type : kVideoFeedback) {
      gst_sdp_media_add_attribute(media, "rtcp-fb", (number + " " + type).c_str());
    }
  }
}

// Owners of what gst_sdp_*_new gives, so that an exception (a malformed a=crypto line, no
// port left, a second line of one kind) frees them (the sanitizer job found those leaks).
struct MessageFree {
  void operator()(GstSDPMessage* message) const { gst_sdp_message_free(message); }
};
struct MediaFree {
  void operator()(GstSDPMedia* media) const { gst_sdp_media_free(media); }
};
using MessageOwner = std::unique_ptr<GstSDPMessage, MessageFree>;
using MediaOwner = std::unique_ptr<GstSDPMedia, MediaFree>;

MediaOwner newMedia() {
  GstSDPMedia* media = nullptr;
  gst_sdp_media_new(&media);
  return MediaOwner(media);
}

GstSDPMessage* newMessage(const std::string& address) {
  static std::mt19937_64 random{std::random_device{}()};
  GstSDPMessage* message = nullptr;
  gst_sdp_message_new(&message);
  gst_sdp_message_set_version(message, "0");
  const std::string sessionId = std::to_string(random() >> 2);
  const char* addressType = address.find(':') != std::string::npos ? "IP6" : "IP4";
  gst_sdp_message_set_origin(message, "-", sessionId.c_str(), "0", "IN", addressType,
                             address.c_str());
  gst_sdp_message_set_session_name(message, "Kurento Media Server");
  gst_sdp_message_set_connection(message, "IN", addressType, address.c_str(), 0, 0);
  gst_sdp_message_add_time(message, "0", "0", nullptr);
  return message;
}

std::string finish(MessageOwner message) {
  gchar* text = gst_sdp_message_as_text(message.get());
  std::string result(text);
  g_free(text);
  return result;
}

void addTransport(GstSDPMedia* media, const MediaPlan& plan) {
  if (plan.rtcpMux) {
    gst_sdp_media_add_attribute(media, "rtcp-mux", nullptr);
  }
  gst_sdp_media_add_attribute(
      media, "rtcp", std::to_string(plan.rtcpMux ? plan.local.rtp : plan.local.rtcp).c_str());
  gst_sdp_media_add_attribute(media, directionOf(plan), nullptr);
}

}  // namespace

ChosenCodec chooseCodec(const GstSDPMedia* media, MediaType type, std::string* offeredNames) {
  ChosenCodec chosen;
  for (guint f = 0; f < gst_sdp_media_formats_len(media) && chosen.codec == nullptr; ++f) {
    RemoteFormat format = remoteFormat(media, f);
    chosen.codec = findCodec(type, format.name, format.clockRate);
    chosen.payloadType = format.payloadType;
    // Each name once: WebRTC offers list a codec several times (profiles, RTX).
    const std::string listed = ", " + (offeredNames != nullptr ? *offeredNames : "") + ",";
    if (offeredNames != nullptr && !format.name.empty() &&
        listed.find(", " + format.name + ",") == std::string::npos) {
      *offeredNames += (offeredNames->empty() ? "" : ", ") + format.name;
    }
  }
  if (chosen.codec != nullptr) {
    chosen.fmtp = formatAttribute(media, "fmtp", chosen.payloadType);
  }
  return chosen;
}

MediaType mediaTypeOfLine(const GstSDPMedia* media) { return mediaTypeOf(media); }

bool hasFeedback(const GstSDPMedia* media, int pt, const char* feedback) {
  const std::string wanted = std::string(" ") + feedback;
  for (guint i = 0; const gchar* value = gst_sdp_media_get_attribute_val_n(media, "rtcp-fb", i);
       ++i) {
    const std::string text(value);
    const size_t space = text.find(' ');
    if (space == std::string::npos) {
      continue;  // "a=rtcp-fb:97" names no feedback: nothing to honour
    }
    const std::string target = text.substr(0, space);
    if ((target == "*" || target == std::to_string(pt)) && text.substr(space) == wanted) {
      return true;
    }
  }
  return false;
}

RtpNegotiation::RtpNegotiation(std::string localAddress, std::optional<SrtpKey> configuredKey)
    : localAddress_(std::move(localAddress)), configuredKey_(std::move(configuredKey)) {}

std::string RtpNegotiation::createOffer(const std::vector<MediaType>& types,
                                        const std::function<LocalPorts(MediaType)>& reserve) {
  MessageOwner message(newMessage(localAddress_));
  offered_.clear();
  for (MediaType type : types) {
    MediaPlan plan;
    plan.type = type;
    plan.local = reserve(type);
    plan.localKey = configuredKey_;
    MediaOwner owner = newMedia();
    GstSDPMedia* media = owner.get();
    gst_sdp_media_set_media(media, lowerName(type));
    gst_sdp_media_set_port_info(media, plan.local.rtp, 1);
    gst_sdp_media_set_proto(media, configuredKey_ ? "RTP/SAVPF" : "RTP/AVPF");
    for (const CodecInfo* codec : supportedCodecs(type)) {
      addCodec(media, *codec, codec->defaultPayloadType, codec->fmtp, true);
    }
    addTransport(media, plan);
    if (configuredKey_) {
      gst_sdp_media_add_attribute(media, "crypto", cryptoLine(1, *configuredKey_).c_str());
    }
    gst_sdp_message_add_media(message.get(), media);
    offered_.push_back(std::move(plan));
  }
  return finish(std::move(message));
}

std::string RtpNegotiation::createAnswer(const GstSDPMessage& offer,
                                         const std::function<LocalPorts(MediaType)>& reserve,
                                         std::vector<MediaPlan>& plans) {
  MessageOwner message(newMessage(localAddress_));
  std::string refused;
  for (guint i = 0; i < gst_sdp_message_medias_len(&offer); ++i) {
    const GstSDPMedia* remote = gst_sdp_message_get_media(&offer, i);
    const char* proto = gst_sdp_media_get_proto(remote);
    MediaOwner owner = newMedia();
    GstSDPMedia* media = owner.get();
    gst_sdp_media_set_media(media, gst_sdp_media_get_media(remote));
    gst_sdp_media_set_proto(media, proto);
    MediaPlan plan;
    plan.type = mediaTypeOf(remote);
    std::string reason;
    if (plan.type == MediaType::kInvalid) {
      reason = std::string("m=") + gst_sdp_media_get_media(remote) + " is not audio or video";
    } else if (!isRtpProfile(proto)) {
      reason = std::string(lowerName(plan.type)) + " uses " + proto +
               " (WebRTC needs a WebRtcEndpoint; an RtpEndpoint takes RTP/AVP(F) or RTP/SAVP(F))";
    } else if (gst_sdp_media_get_port(remote) != 0) {
      std::string offeredNames;
      const ChosenCodec chosen = chooseCodec(remote, plan.type, &offeredNames);
      plan.codec = chosen.codec;
      plan.payloadType = chosen.payloadType;
      if (plan.codec == nullptr) {
        reason = std::string("offer has only ") + offeredNames + " for " + lowerName(plan.type) +
                 "; supported " + lowerName(plan.type) + " codecs: " + codecNames(plan.type);
      }
    } else {
      reason = std::string(lowerName(plan.type)) + " line was disabled by the offer (port 0)";
    }
    if (reason.empty() && isSecureProfile(proto)) {
      for (guint c = 0; const gchar* value = gst_sdp_media_get_attribute_val_n(remote, "crypto", c);
           ++c) {
        std::optional<CryptoLine> line = parseCryptoLine(value);
        if (line && (!configuredKey_ || configuredKey_->suite == line->key.suite)) {
          plan.remoteKey = line->key;
          plan.localKey = configuredKey_ ? *configuredKey_ : randomKey(*line->key.suite);
          gst_sdp_media_add_attribute(media, "crypto",
                                      cryptoLine(line->tag, *plan.localKey).c_str());
          break;
        }
      }
      if (!plan.remoteKey) {
        reason = std::string(lowerName(plan.type)) + " is SRTP without an a=crypto line of a "
                 "supported suite" + (configuredKey_ ? std::string(" (this endpoint uses ") +
                                                           configuredKey_->suite->sdpName + ")"
                                                     : std::string());
      }
    } else if (reason.empty() && configuredKey_) {
      reason = std::string(lowerName(plan.type)) + " is plain RTP (" + proto +
               ") but this endpoint was created with crypto for SRTP";
    }
    if (!reason.empty()) {
      refused += (refused.empty() ? "" : "; ") + reason;
      gst_sdp_media_set_port_info(media, 0, 1);
      gst_sdp_media_add_format(media, gst_sdp_media_get_format(remote, 0));
    } else {
      plan.fmtp = formatAttribute(remote, "fmtp", plan.payloadType);
      plan.remb = hasFeedback(remote, plan.payloadType, "goog-remb");
      readRemoteTransport(offer, remote, plan);
      applyDirection(remote, plan);
      plan.local = reserve(plan.type);
      gst_sdp_media_set_port_info(media, plan.local.rtp, 1);
      const bool feedback = std::strstr(proto, "AVPF") != nullptr;
      addCodec(media, *plan.codec, plan.payloadType, plan.fmtp, false);
      if (feedback && plan.type == MediaType::VIDEO) {
        const std::string pt = std::to_string(plan.payloadType);
        for (const char* type : kVideoFeedback) {
          if (hasFeedback(remote, plan.payloadType, type)) {
            gst_sdp_media_add_attribute(media, "rtcp-fb", (pt + " " + type).c_str());
          }
        }
      }
      addTransport(media, plan);
      if (plan.comedia) {
        gst_sdp_media_add_attribute(media, "direction", "passive");
      }
      plans.push_back(plan);
    }
    gst_sdp_message_add_media(message.get(), media);  // copies it
  }
  if (plans.empty()) {
    fail(kms::ErrorCode::kSdpEndPointProcessOfferError, "nothing in the offer can be served: " + refused);
  }
  return finish(std::move(message));
}

std::vector<MediaPlan> RtpNegotiation::applyAnswer(const GstSDPMessage& answer) {
  if (gst_sdp_message_medias_len(&answer) != offered_.size()) {
    fail(kms::ErrorCode::kSdpEndPointProcessAnswerError,
         "the answer has " + std::to_string(gst_sdp_message_medias_len(&answer)) +
             " m= lines; the offer had " + std::to_string(offered_.size()));
  }
  std::vector<MediaPlan> plans;
  std::string refused;
  for (guint i = 0; i < offered_.size(); ++i) {
    const GstSDPMedia* remote = gst_sdp_message_get_media(&answer, i);
    MediaPlan plan = offered_[i];
    if (mediaTypeOf(remote) != plan.type) {
      fail(kms::ErrorCode::kSdpEndPointProcessAnswerError,
           "m= line " + std::to_string(i) + " of the answer is " + gst_sdp_media_get_media(remote) +
               "; the offer had " + lowerName(plan.type));
    }
    if (gst_sdp_media_get_port(remote) == 0) {
      refused += std::string(refused.empty() ? "" : ", ") + lowerName(plan.type);
      continue;  // the peer declined this line
    }
    for (guint f = 0; f < gst_sdp_media_formats_len(remote) && plan.codec == nullptr; ++f) {
      RemoteFormat format = remoteFormat(remote, f);
      const CodecInfo* codec = findCodec(plan.type, format.name, format.clockRate);
      if (codec != nullptr && codec->defaultPayloadType == format.payloadType) {
        plan.codec = codec;
        plan.payloadType = format.payloadType;
      }
    }
    if (plan.codec == nullptr) {
      fail(kms::ErrorCode::kSdpEndPointProcessAnswerError,
           std::string("the answer's ") + lowerName(plan.type) + " line names no codec of the offer (" +
               codecNames(plan.type) + ")");
    }
    if (plan.localKey) {
      const gchar* value = gst_sdp_media_get_attribute_val(remote, "crypto");
      std::optional<CryptoLine> line = value != nullptr ? parseCryptoLine(value) : std::nullopt;
      if (!line || line->key.suite != plan.localKey->suite) {
        fail(kms::ErrorCode::kSdpEndPointProcessAnswerError,
             std::string("the answer's ") + lowerName(plan.type) + " line has no a=crypto line for " +
                 plan.localKey->suite->sdpName);
      }
      plan.remoteKey = line->key;
    }
    plan.fmtp = formatAttribute(remote, "fmtp", plan.payloadType);
    plan.remb = hasFeedback(remote, plan.payloadType, "goog-remb");
    readRemoteTransport(answer, remote, plan);
    applyDirection(remote, plan);
    plans.push_back(plan);
  }
  if (plans.empty()) {
    fail(kms::ErrorCode::kSdpEndPointProcessAnswerError,
         "the answer declined every media line (" + refused + ")");
  }
  return plans;
}

std::string advertisedAddress(const std::string& configured, bool ipv6) {
  if (!configured.empty()) {
    return configured;
  }
  const int family = ipv6 ? AF_INET6 : AF_INET;
  std::string found = ipv6 ? "::1" : "127.0.0.1";
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return found;
  }
  for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != family ||
        (entry->ifa_flags & IFF_LOOPBACK) != 0 || (entry->ifa_flags & IFF_UP) == 0) {
      continue;
    }
    char text[INET6_ADDRSTRLEN] = {};
    const void* address =
        ipv6 ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(entry->ifa_addr)->sin6_addr)
             : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(entry->ifa_addr)->sin_addr);
    inet_ntop(family, address, text, sizeof text);
    if (ipv6 && std::strncmp(text, "fe80", 4) == 0) {
      continue;  // link-local addresses need a scope that SDP cannot carry
    }
    found = text;
    break;
  }
  freeifaddrs(list);
  return found;
}

}  // namespace kurento::rtp
