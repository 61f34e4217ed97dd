// OpenCVFilter: the base of filters that work on decoded video frames with OpenCV. A subclass
// implements process(), which sees every frame as a BGR cv::Mat it may change in place; audio
// passes through untouched.
#pragma once

#include "OpenCVFilterBase.hpp"

#include <gst/video/video.h>
#include <opencv2/core.hpp>

#include <atomic>
#include <cstdint>
#include <string>

namespace kurento {

class OpenCVFilterImpl : public OpenCVFilterBase {
 public:
  // `name` names the GstBin in dot dumps.
  OpenCVFilterImpl(const std::shared_ptr<MediaObjectImpl>& parent, const std::string& name);

  // Frames given to process() so far.
  uint64_t processedFrames() const { return processedFrames_; }

 protected:
  // Called from a GStreamer streaming thread for every video frame (8-bit BGR, the frame's
  // own size); the changes made to `frame` go downstream. Keep it fast: the video waits.
  virtual void process(cv::Mat& frame) = 0;

 private:
  static GstPadProbeReturn onFrame(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  void onDecodedPad(GstPad* pad);

  GstElement* convertIn_ = nullptr;  // owned by bin()
  GstVideoInfo video_{};             // of the BGR frames; set on their caps (streaming thread)
  bool videoKnown_ = false;
  std::atomic<uint64_t> processedFrames_{0};
  std::atomic<bool> failureLogged_{false};
};

}  // namespace kurento
