// The lean transport's SDP answer.
#include "webrtc/lean/LeanAnswer.hpp"

#include "rtp/RtpNegotiation.hpp"

#include <kms/sdk/Error.hpp>

#include <algorithm>
#include <cstring>
#include <random>
#include <sstream>

namespace kurento::webrtc::lean {

namespace {

const char* lowerName(MediaType type) { return type == MediaType::AUDIO ? "audio" : "video"; }

// The line's value of `key`, or the session's.
const char* attribute(const GstSDPMessage& offer, const GstSDPMedia* media, const char* key) {
  const char* value = gst_sdp_media_get_attribute_val(media, key);
  return value != nullptr ? value : gst_sdp_message_get_attribute_val(&offer, key);
}

bool hasAttribute(const GstSDPMedia* media, const char* key) {
  return gst_sdp_media_get_attribute_val(media, key) != nullptr;
}

// The mids of the offer's first BUNDLE group (" 0 1 " with spaces around each).
std::string bundleMids(const GstSDPMessage& offer) {
  for (guint i = 0; const gchar* group = gst_sdp_message_get_attribute_val_n(&offer, "group", i);
       ++i) {
    if (std::strncmp(group, "BUNDLE", 6) == 0) {
      return std::string(group + 6) + " ";
    }
  }
  return {};
}

bool receivesOnly(const GstSDPMedia* media) { return hasAttribute(media, "recvonly"); }

void readRemote(const GstSDPMessage& offer, const GstSDPMedia* media, LeanRemote& remote) {
  const char* ufrag = attribute(offer, media, "ice-ufrag");
  const char* password = attribute(offer, media, "ice-pwd");
  const char* fingerprint = attribute(offer, media, "fingerprint");
  const char* setup = attribute(offer, media, "setup");
  if (ufrag == nullptr || password == nullptr || fingerprint == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kSdpEndPointProcessOfferError,
                                "offer has no a=ice-ufrag, a=ice-pwd or a=fingerprint");
  }
  remote.ufrag = ufrag;
  remote.password = password;
  remote.fingerprint = fingerprint;
  // actpass or passive: we connect; active: the peer does.
  remote.weAreDtlsClient = setup == nullptr || std::strcmp(setup, "active") != 0;
  for (guint i = 0; const gchar* value = gst_sdp_media_get_attribute_val_n(media, "candidate", i);
       ++i) {
    remote.candidates.push_back(std::string("candidate:") + value);
  }
}

uint32_t randomSsrc() {
  static thread_local std::mt19937 random(std::random_device{}());
  return std::uniform_int_distribution<uint32_t>(1, 0xfffffffe)(random);
}

void writeAcceptedLine(std::ostringstream& sdp, const GstSDPMedia* media, const LeanLine& line,
                       const LeanLocal& local, bool dtlsClient) {
  sdp << "m=" << lowerName(line.type) << " 9 " << gst_sdp_media_get_proto(media) << " "
      << line.payloadType << "\r\n"
      << "c=IN IP4 0.0.0.0\r\n"
      << "a=ice-ufrag:" << local.ufrag << "\r\n"
      << "a=ice-pwd:" << local.password << "\r\n"
      << "a=ice-options:trickle\r\n"
      << "a=fingerprint:sha-256 " << local.fingerprint << "\r\n"
      << "a=setup:" << (dtlsClient ? "active" : "passive") << "\r\n"
      << "a=mid:" << line.mid << "\r\n"
      << "a=sendonly\r\n"
      << "a=rtcp-mux\r\n";
  sdp << "a=rtpmap:" << line.payloadType << " " << line.codec->name << "/" << line.codec->clockRate;
  if (line.codec->channels > 0) {
    sdp << "/" << line.codec->channels;
  }
  sdp << "\r\n";
  const std::pair<bool, const char*> feedback[] = {
      {line.nack, "nack"}, {line.pli, "nack pli"}, {line.fir, "ccm fir"}, {line.remb, "goog-remb"}};
  for (const auto& [agreed, name] : feedback) {
    if (agreed) {
      sdp << "a=rtcp-fb:" << line.payloadType << " " << name << "\r\n";
    }
  }
  if (!line.fmtp.empty()) {
    sdp << "a=fmtp:" << line.payloadType << " " << line.fmtp << "\r\n";
  }
  sdp << "a=ssrc:" << line.ssrc << " cname:" << local.cname << "\r\n"
      << "a=msid:kms-" << local.cname << " " << lowerName(line.type) << "-" << line.ssrc << "\r\n";
}

void writeRejectedLine(std::ostringstream& sdp, const GstSDPMedia* media) {
  sdp << "m=" << gst_sdp_media_get_media(media) << " 0 " << gst_sdp_media_get_proto(media);
  for (guint f = 0; f < gst_sdp_media_formats_len(media); ++f) {
    sdp << " " << gst_sdp_media_get_format(media, f);
  }
  sdp << "\r\nc=IN IP4 0.0.0.0\r\n";
  if (const char* mid = gst_sdp_media_get_attribute_val(media, "mid")) {
    sdp << "a=mid:" << mid << "\r\n";
  }
  sdp << "a=inactive\r\n";
}

// The line of `media` we answer (codec null when rejected).
LeanLine chooseLine(const GstSDPMedia* media, guint index) {
  LeanLine line;
  line.mline = index;
  line.type = rtp::mediaTypeOfLine(media);
  const char* mid = gst_sdp_media_get_attribute_val(media, "mid");
  line.mid = mid != nullptr ? mid : std::to_string(index);
  if (line.type == MediaType::kInvalid || gst_sdp_media_get_port(media) == 0) {
    return line;
  }
  const rtp::ChosenCodec chosen = rtp::chooseCodec(media, line.type, nullptr);
  line.codec = chosen.codec;
  line.payloadType = chosen.payloadType;
  line.fmtp = chosen.fmtp;
  line.ssrc = randomSsrc();
  if (line.type == MediaType::VIDEO && line.codec != nullptr) {
    line.nack = rtp::hasFeedback(media, line.payloadType, "nack");
    line.pli = rtp::hasFeedback(media, line.payloadType, "nack pli");
    line.fir = rtp::hasFeedback(media, line.payloadType, "ccm fir");
    line.remb = rtp::hasFeedback(media, line.payloadType, "goog-remb");
  }
  return line;
}

}  // namespace

std::string leanProblem(const GstSDPMessage& offer) {
  const std::string bundle = bundleMids(offer);
  bool media = false;
  for (guint i = 0; i < gst_sdp_message_medias_len(&offer); ++i) {
    const GstSDPMedia* line = gst_sdp_message_get_media(&offer, i);
    if (gst_sdp_media_get_port(line) == 0) {
      continue;
    }
    const MediaType type = rtp::mediaTypeOfLine(line);
    if (type == MediaType::kInvalid) {
      return std::string("the offer has an m=") + gst_sdp_media_get_media(line) + " line";
    }
    if (!receivesOnly(line)) {
      return std::string("the peer would send ") + lowerName(type);
    }
    if (!hasAttribute(line, "rtcp-mux")) {
      return std::string("the ") + lowerName(type) + " line has no rtcp-mux";
    }
    const char* mid = gst_sdp_media_get_attribute_val(line, "mid");
    if (mid == nullptr || bundle.find(" " + std::string(mid) + " ") == std::string::npos) {
      return std::string("the ") + lowerName(type) + " line is not in the BUNDLE group";
    }
    media = true;
  }
  return media ? "" : "the offer has no audio or video line";
}

std::string createLeanAnswer(const GstSDPMessage& offer, const LeanLocal& local,
                             std::vector<LeanLine>& lines, LeanRemote& remote) {
  lines.clear();
  bool readTransport = false;
  std::string bundle;
  for (guint i = 0; i < gst_sdp_message_medias_len(&offer); ++i) {
    const GstSDPMedia* media = gst_sdp_message_get_media(&offer, i);
    lines.push_back(chooseLine(media, i));
    // One line of each kind is fed, as Kurento serves: later ones are refused (port 0).
    const MediaType type = lines.back().type;
    if (std::count_if(lines.begin(), lines.end() - 1, [type](const LeanLine& served) {
          return served.codec != nullptr && served.type == type;
        }) > 0) {
      lines.back().codec = nullptr;
    }
    if (lines.back().codec != nullptr) {
      readRemote(offer, media, remote);  // BUNDLE: every accepted line has the same transport
      readTransport = true;
      bundle += " " + lines.back().mid;
    }
  }
  if (!readTransport) {
    throw kms::KurentoException(
        kms::ErrorCode::kSdpEndPointProcessOfferError,
        "no line of the offer has a codec we send (audio: " + rtp::codecNames(MediaType::AUDIO) +
            "; video: " + rtp::codecNames(MediaType::VIDEO) + ")");
  }
  std::ostringstream sdp;
  sdp << "v=0\r\n"
      << "o=- " << local.sessionId << " 2 IN IP4 0.0.0.0\r\n"
      << "s=Kurento Media Server\r\n"
      << "t=0 0\r\n"
      << "a=group:BUNDLE" << bundle << "\r\n"
      << "a=msid-semantic: WMS kms-" << local.cname << "\r\n";
  for (guint i = 0; i < gst_sdp_message_medias_len(&offer); ++i) {
    const GstSDPMedia* media = gst_sdp_message_get_media(&offer, i);
    if (lines[i].codec != nullptr) {
      writeAcceptedLine(sdp, media, lines[i], local, remote.weAreDtlsClient);
    } else {
      writeRejectedLine(sdp, media);
    }
  }
  return sdp.str();
}

}  // namespace kurento::webrtc::lean
