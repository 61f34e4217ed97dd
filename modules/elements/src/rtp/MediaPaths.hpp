// GStreamer paths shared by the RTP-based endpoints: from the element's input to a payloader
// (forwarding when the input already is the agreed codec, transcoding otherwise), and from a
// received RTP pad through the depayloader to the element's output.
#pragma once

#include "RtpCodecs.hpp"

#include <gst/gst.h>

#include <cstdint>
#include <string>

namespace kurento::rtp {

// Makes `factory`, adds it to `bin`; throws NOT_ENOUGH_RESOURCES naming a missing plugin.
GstElement* addElement(GstBin* bin, const char* factory);
// Links two pads by name; throws UNEXPECTED_ERROR naming them.
void linkPads(GstElement* src, const std::string& srcPad, GstElement* sink,
              const std::string& sinkPad);

struct SendPath {
  GstElement* chain = nullptr;      // parser, or decoder ! convert ! encoder (a bin)
  GstElement* payloader = nullptr;
  GstElement* encoder = nullptr;    // the video encoder when transcoding, else null
  bool transcoding = false;
  std::string inputMedia;           // e.g. "video/x-vp8"
};

// Builds and starts chain ! payloader in `bin` for input of `inputCaps`, then links `input`
// to the chain and the payloader to `target`. Throws UNEXPECTED_ERROR on failure.
SendPath linkSendPath(GstBin* bin, const CodecInfo& codec, int payloadType, int mtu,
                      GstCaps* inputCaps, GstPad* input, GstPad* target);

// Links `rtpPad` through the codec's depayloader (and parser) to `output`; returns the
// depayloader (in `bin`).
GstElement* linkReceivePath(GstBin* bin, GstPad* rtpPad, const CodecInfo& codec, GstPad* output);
// Sinks a stream nobody uses.
void discardStream(GstBin* bin, GstPad* pad);

// Sets a VP8/VP9 (target-bitrate) or openh264 (bitrate) encoder's bitrate.
void setEncoderBitrate(GstElement* encoder, int64_t bps);
// The bitrate an encoder targets now (bps).
int64_t encoderBitrate(GstElement* encoder);
// An upstream GstForceKeyUnit: encoders make a keyframe, RTP sessions send PLI/FIR.
GstEvent* newKeyframeRequest();
// Pushes the sticky events of `pad` again (after linking it from inside a probe).
void forwardStickyEvents(GstPad* pad);

}  // namespace kurento::rtp
