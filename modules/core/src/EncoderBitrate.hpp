// The bitrate of a video encoder that several sinks share (FormatAdapter's encoder per target
// format). Each sink says what its peer can take (its REMB within its send bounds); the encoder
// runs at the lowest of those wishes, so that the slowest viewer is not flooded, and always
// within the bounds of the element whose output it encodes (min/maxEncoderBitrate). With no
// wish it runs at the element's encoderBitrate. The state lives on the encoder (as its qdata)
// and goes with it.
#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <map>
#include <mutex>

namespace kurento {

class EncoderBitrate {
 public:
  struct Bounds {
    int64_t startBps = 0;  // without any wish
    int64_t minBps = 0;
    int64_t maxBps = 0;  // 0: no upper bound
  };

  // The state of `encoder`, made on first use.
  static EncoderBitrate& of(GstElement* encoder);

  void setBounds(const Bounds& bounds);
  // `sink` wants at most `bps`; 0 or less withdraws its wish (it left, or uses another encoder).
  void wish(const void* sink, int64_t bps);
  // What the encoder was last set to.
  int64_t appliedBps() const;
  size_t wishes() const;

  explicit EncoderBitrate(GstElement* encoder) : encoder_(encoder) {}

 private:
  void apply();  // under mutex_

  GstElement* encoder_;  // owns us
  mutable std::mutex mutex_;
  Bounds bounds_;
  std::map<const void*, int64_t> wishes_;
  int64_t applied_ = 0;
};

// Sets an encoder's bitrate property (vp8enc/vp9enc target-bitrate, openh264enc bitrate; bps).
void setVideoEncoderBitrate(GstElement* encoder, int64_t bps);

}  // namespace kurento
