#include "RtpCodecs.hpp"

#include <strings.h>

namespace kurento::rtp {

namespace {

const CodecInfo kCodecs[] = {
    {"VP8", MediaType::VIDEO, 90000, 0, 96, "", "rtpvp8pay", "rtpvp8depay", nullptr,
     "video/x-vp8", "vp8enc deadline=1 cpu-used=8 keyframe-max-dist=60 end-usage=cbr", "vp8dec"},
    {"H264", MediaType::VIDEO, 90000, 0, 103,
     "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", "rtph264pay",
     "rtph264depay", "h264parse", "video/x-h264",
     "openh264enc complexity=low rate-control=bitrate ! h264parse", "h264parse ! openh264dec"},
    {"VP9", MediaType::VIDEO, 90000, 0, 98, "", "rtpvp9pay", "rtpvp9depay", nullptr,
     "video/x-vp9", "vp9enc deadline=1 cpu-used=8 keyframe-max-dist=60", "vp9dec"},
    {"OPUS", MediaType::AUDIO, 48000, 2, 111, "minptime=10;useinbandfec=1", "rtpopuspay",
     "rtpopusdepay", nullptr, "audio/x-opus", "opusenc", "opusdec"},
    {"PCMU", MediaType::AUDIO, 8000, 1, 0, "", "rtppcmupay", "rtppcmudepay", nullptr,
     "audio/x-mulaw", "mulawenc", "mulawdec"},
    {"PCMA", MediaType::AUDIO, 8000, 1, 8, "", "rtppcmapay", "rtppcmadepay", nullptr,
     "audio/x-alaw", "alawenc", "alawdec"},
};

}  // namespace

std::vector<const CodecInfo*> supportedCodecs(MediaType type) {
  std::vector<const CodecInfo*> result;
  for (const CodecInfo& codec : kCodecs) {
    if (codec.type == type) {
      result.push_back(&codec);
    }
  }
  return result;
}

const CodecInfo* findCodec(MediaType type, const std::string& name, int clockRate) {
  for (const CodecInfo& codec : kCodecs) {
    if (codec.type == type && strcasecmp(codec.name, name.c_str()) == 0 &&
        codec.clockRate == clockRate) {
      return &codec;
    }
  }
  return nullptr;
}

const CodecInfo* codecOfCaps(const std::string& mediaType) {
  for (const CodecInfo& codec : kCodecs) {
    if (mediaType == codec.encodedCaps) {
      return &codec;
    }
  }
  return nullptr;
}

std::string codecNames(MediaType type) {
  std::string names;
  for (const CodecInfo* codec : supportedCodecs(type)) {
    names += names.empty() ? "" : ", ";
    names += codec->name;
  }
  return names;
}

}  // namespace kurento::rtp
