// The video path shared by the filters that work on decoded frames with OpenCV:
//   decodebin ! videoconvert ! BGR ! (callback) ! videoconvert ! I420 ! <output>
// built inside an element's bin. The filter's input takes raw video (acceptedCaps()): the
// source's shared format adaptation decodes, once for every filter and raw consumer of that
// source; decodebin only decodes what the source could not (it passes raw video through). The
// elements after the filter encode for their peers when they need to. The callback sees every
// frame as an 8-bit BGR cv::Mat of the frame's own size, in the streaming thread, and may change
// it in place.
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <opencv2/core.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace kurento::filters {

class BgrFrames {
 public:
  using Process = std::function<void(cv::Mat& frame)>;

  // Adds the elements to `bin` and links their end to `output` (a sink pad inside `bin`).
  // `owner` names the element in log lines. Throws kms::KurentoException when an element is
  // missing or cannot be linked.
  BgrFrames(GstBin* bin, GstPad* output, std::string owner, Process process);
  BgrFrames(const BgrFrames&) = delete;
  BgrFrames& operator=(const BgrFrames&) = delete;

  // What the filter's video input takes (for MediaElementImpl::acceptedInput): raw video.
  static GstCaps* acceptedCaps() { return gst_caps_new_empty_simple("video/x-raw"); }
  // The sink pad where encoded or raw video enters (give it to setInput).
  GstPad* input() const { return input_; }
  // Frames given to the callback so far.
  uint64_t processedFrames() const { return processedFrames_; }

 private:
  static GstPadProbeReturn onProbe(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  void onDecodedPad(GstPad* pad);
  void processBuffer(GstPadProbeInfo* info);

  std::string owner_;
  Process process_;
  GstPad* input_ = nullptr;          // owned by its element, inside the bin
  GstElement* convertIn_ = nullptr;  // owned by the bin
  GstVideoInfo video_{};             // of the BGR frames; set on their caps (streaming thread)
  bool videoKnown_ = false;
  std::atomic<uint64_t> processedFrames_{0};
  std::atomic<bool> failureLogged_{false};
};

}  // namespace kurento::filters
