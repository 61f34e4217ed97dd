#include "Profiles.hpp"

#include "rtp/RtpCodecs.hpp"

#include <kms/sdk/Error.hpp>

#include <algorithm>

namespace kurento::recorder {

namespace {

const char* const kOpus = "audioconvert ! audioresample ! opusenc";
// Raw video into an encoder: converted, and kept in one colorimetry (kColorimetryPin).
const std::string kVideoIn =
    std::string("videoconvert ! capsfilter name=") + kColorimetryPin + " ! ";

MediaRule vp8Video() {
  return {true, {"video/x-vp8", "video/x-vp9"}, "", "",
          kVideoIn + "vp8enc deadline=1 cpu-used=4 keyframe-max-dist=60 target-bitrate=@bps@"};
}

MediaRule h264Video(std::vector<std::string> kept) {
  return {true, std::move(kept), "h264parse", "video/x-h264",
          kVideoIn + "openh264enc complexity=low rate-control=bitrate bitrate=@bps@ ! h264parse"};
}

// opusparse completes RTP-depayloaded caps with the rate the WebM muxer asks for.
MediaRule opusAudio() { return {true, {"audio/x-opus"}, "opusparse", "audio/x-opus", kOpus}; }

// Matroska without a seekable target writes no cues and no sizes: every byte is final at once.
const char* const kMatroskaStream = "matroskamux streamable=true";
// Fragments of one second: what a crash leaves is a playable file up to the last fragment.
const char* const kMp4File = "mp4mux fragment-duration=1000";
const char* const kMp4Stream = "mp4mux fragment-duration=1000 streamable=true";

Profile make(MediaProfileSpecType type) {
  Profile p;
  p.type = type;
  p.name = toString(type);
  switch (type) {
    case MediaProfileSpecType::WEBM:
    case MediaProfileSpecType::WEBM_VIDEO_ONLY:
    case MediaProfileSpecType::WEBM_AUDIO_ONLY:
      p.muxer = "webmmux";
      p.streamMuxer = "webmmux streamable=true";
      p.contentType = "video/webm";
      p.video = vp8Video();
      p.audio = opusAudio();
      break;
    case MediaProfileSpecType::MKV:
    case MediaProfileSpecType::MKV_VIDEO_ONLY:
    case MediaProfileSpecType::MKV_AUDIO_ONLY:
      p.muxer = "matroskamux";
      p.streamMuxer = kMatroskaStream;
      p.contentType = "video/x-matroska";
      p.video = h264Video({"video/x-h264", "video/x-vp8", "video/x-vp9"});
      p.audio = opusAudio();
      break;
    case MediaProfileSpecType::MP4:
    case MediaProfileSpecType::MP4_VIDEO_ONLY:
    case MediaProfileSpecType::MP4_AUDIO_ONLY:
      p.muxer = kMp4File;
      p.streamMuxer = kMp4Stream;
      p.contentType = "video/mp4";
      p.video = h264Video({"video/x-h264"});
      p.audio = opusAudio();
      break;
    case MediaProfileSpecType::FLV:
      p.muxer = "flvmux";
      p.streamMuxer = "flvmux streamable=true";
      p.contentType = "video/x-flv";
      p.video = h264Video({"video/x-h264"});
      p.audio = {true, {}, "", "", "audioconvert ! audioresample ! voaacenc ! aacparse"};
      break;
    case MediaProfileSpecType::JPEG_VIDEO_ONLY:
      p.contentType = "image/jpeg";
      p.video = {true, {}, "", "", kVideoIn + "jpegenc"};
      break;
    default:
      throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                  std::string("mediaProfile ") + toString(type) +
                                      " is not supported by this server (use WEBM, MKV, MP4, "
                                      "FLV or JPEG_VIDEO_ONLY)");
  }
  const std::string name = p.name;
  if (name.find("_AUDIO_ONLY") != std::string::npos) {
    p.video = {};
  } else if (name.find("_VIDEO_ONLY") != std::string::npos) {
    p.audio = {};
  }
  return p;
}

}  // namespace

Profile profileOf(MediaProfileSpecType type) { return make(type); }

std::string chainFor(const MediaRule& rule, bool video, const std::string& media, int bitrateBps,
                     bool& transcoding) {
  transcoding = false;
  if (std::find(rule.kept.begin(), rule.kept.end(), media) != rule.kept.end()) {
    return media == rule.parsedType ? rule.parser : std::string("identity");
  }
  transcoding = true;
  std::string chain;
  if (media != (video ? "video/x-raw" : "audio/x-raw")) {
    const rtp::CodecInfo* incoming = rtp::codecOfCaps(media);
    chain = std::string(incoming != nullptr ? incoming->decoder : "decodebin") + " ! ";
  }
  std::string encoder = rule.encoder;
  const auto at = encoder.find("@bps@");
  if (at != std::string::npos) {
    // openh264enc takes bps, vp8enc target-bitrate takes bps.
    encoder.replace(at, 5, std::to_string(std::max(bitrateBps, 100000)));
  }
  return chain + encoder;
}

}  // namespace kurento::recorder
