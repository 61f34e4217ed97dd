// ZBarFilter: reads QR and bar codes in the video with libzbar and raises CodeFound (codeType,
// value) when a code comes into view, once while it stays there; video and audio pass
// unchanged.
#pragma once

#include "ZBarFilterBase.hpp"
#include "opencv/BgrFrames.hpp"
#include "zbar/CodeScanner.hpp"

#include <chrono>
#include <memory>

namespace kurento {

class ZBarFilterImpl : public ZBarFilterBase {
 public:
  explicit ZBarFilterImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline);

  // At most this many scans a second: codes are held up to the camera for a while.
  static constexpr int kMaxScansPerSecond = 15;

 protected:
  // Raw video: the source decodes (once, shared; BgrFrames.hpp).
  GstCaps* acceptedInput(MediaType type) override {
    return type == MediaType::VIDEO ? filters::BgrFrames::acceptedCaps() : nullptr;
  }

 private:
  void process(cv::Mat& frame);

  filters::CodeScanner scanner_;  // the streaming thread's only
  std::chrono::steady_clock::time_point lastScan_{};
  filters::BgrFrames frames_;
};

}  // namespace kurento
