// The codecs an RtpEndpoint sends and receives, with the GStreamer elements for each.
#pragma once

#include "coreTypes.hpp"

#include <string>
#include <vector>

namespace kurento::rtp {

struct CodecInfo {
  const char* name;          // encoding name as in a=rtpmap (upper case)
  MediaType type;
  int clockRate;
  int channels;              // 0 for video
  int defaultPayloadType;    // what our offers use
  const char* fmtp;          // our default format parameters ("" for none)
  const char* payloader;
  const char* depayloader;
  const char* parser;        // between depayloader and the element's output; null if none
  const char* encodedCaps;   // caps of the encoded stream (media type only)
  const char* encoder;       // gst-launch syntax of the encoder used when transcoding
  const char* decoder;       // gst-launch syntax of the decoder of encodedCaps
};

// The codec whose encoded caps are `mediaType` (e.g. "video/x-vp8"), or null.
const CodecInfo* codecOfCaps(const std::string& mediaType);

// Our codecs of `type`, in order of preference.
std::vector<const CodecInfo*> supportedCodecs(MediaType type);
// The codec named `name` (case-insensitive) with `clockRate`, or null.
const CodecInfo* findCodec(MediaType type, const std::string& name, int clockRate);
// "VP8, H264, VP9" for messages.
std::string codecNames(MediaType type);

}  // namespace kurento::rtp
