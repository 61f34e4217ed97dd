#include "ZBarFilterImpl.hpp"

#include "MediaPipelineImpl.hpp"

#include <kms/sdk/Gst.hpp>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-zbar-filter", "ZBarFilter");
#define GST_CAT_DEFAULT kCat
}  // namespace

ZBarFilterImpl::ZBarFilterImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline)
    : ZBarFilterBase(mediaPipeline, "zbarfilter"),
      frames_(bin(), outputSinkPad(MediaType::VIDEO), "zbarfilter",
              [this](cv::Mat& frame) { process(frame); }) {
  setInput(MediaType::VIDEO, frames_.input());
  setInput(MediaType::AUDIO, outputSinkPad(MediaType::AUDIO));
}

void ZBarFilterImpl::process(cv::Mat& frame) {
  const auto now = std::chrono::steady_clock::now();
  if (now - lastScan_ < std::chrono::milliseconds(1000 / kMaxScansPerSecond)) {
    return;
  }
  lastScan_ = now;
  for (filters::FoundCode& code : scanner_.scan(frame, now)) {
    GST_INFO("%s: %s '%s'", id().c_str(), code.codeType.c_str(), code.value.c_str());
    CodeFound event;
    event.codeType = std::move(code.codeType);
    event.value = std::move(code.value);
    raiseCodeFound(event);
  }
}

}  // namespace kurento
