// What each MediaProfileSpecType writes: the container, the media it records, the encodings it
// keeps as they arrive (no transcoding) and the encoder used for anything else.
#pragma once

#include "elementsTypes.hpp"

#include <string>
#include <vector>

namespace kurento::recorder {

struct MediaRule {
  bool recorded = false;
  std::vector<std::string> kept;  // media types written as they arrive, e.g. "video/x-vp8"
  std::string parser;             // for kept media of `parsedType`, e.g. "h264parse"
  std::string parsedType;
  std::string encoder;            // gst-launch text from raw media to the container's codec
};

struct Profile {
  MediaProfileSpecType type = MediaProfileSpecType::kInvalid;
  std::string name;         // "WEBM"
  std::string muxer;        // factory with its properties; "" when the encoder's output is the file
  std::string streamMuxer;  // the muxer when the target cannot seek (HTTP upload)
  std::string contentType;  // of an HTTP upload
  MediaRule audio;
  MediaRule video;
};

// The capsfilter, in each video encoder's chain, that holds the encoder's input to the
// colorimetry of the first picture (see pinColorimetry).
inline constexpr const char* kColorimetryPin = "colorimetry";

// The profile of `type`; throws KurentoException(40107) for KURENTO_SPLIT_RECORDER, which this
// server does not write.
Profile profileOf(MediaProfileSpecType type);

// The chain (gst-launch text) that turns `media` (e.g. "video/x-h264") into what `rule`
// records; `transcoding` tells whether it decodes and encodes. `bitrateBps` sets the encoder.
std::string chainFor(const MediaRule& rule, bool video, const std::string& media, int bitrateBps,
                     bool& transcoding);

}  // namespace kurento::recorder
