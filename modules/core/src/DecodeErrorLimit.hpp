// A bound on the decode errors of the server's video decoders (the RTP send paths' and the
// shared FormatAdapter's). GStreamer 1.22's video decoders skip undecodable frames forever
// (max-errors=-1): a stream that stays corrupt would be silence. Bounded, it becomes an error
// of its pipeline (an Error event on that pipeline only). Until its first picture a decoder
// may be fed the middle of a GOP (errors until the keyframe it asked for), so it is allowed
// more errors then.
#pragma once

#include <gst/gst.h>

namespace kurento {

inline constexpr int kMaxDecodeErrorsBeforePicture = 150;
inline constexpr int kMaxDecodeErrors = 25;

// Bounds every video decoder in `element` (itself, or inside it when it is a bin): it posts an
// error after kMaxDecodeErrorsBeforePicture decode errors before its first picture, after
// kMaxDecodeErrors once it has produced one (GstVideoDecoder's max-errors).
void limitDecodeErrors(GstElement* element);

}  // namespace kurento
