#include "FaceOverlayFilterImpl.hpp"

#include "MediaPipelineImpl.hpp"
#include "overlay/ImageFetch.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Text.hpp>

#include <cmath>

namespace kurento {

namespace {
void checkFactor(const char* name, double value, bool positive) {
  if (!std::isfinite(value) || (positive && value <= 0.0)) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string(name) + " must be a " + (positive ? "positive " : "") +
                                    "ratio of the face's size (1.0 is the face's size); got " +
                                    kms::numberText(value));
  }
}
}  // namespace

FaceOverlayFilterImpl::FaceOverlayFilterImpl(
    const std::shared_ptr<MediaPipelineImpl>& mediaPipeline)
    : FaceOverlayFilterBase(mediaPipeline, "faceoverlayfilter"),
      detector_(std::make_unique<filters::FaceDetector>()),
      frames_(bin(), outputSinkPad(MediaType::VIDEO), "faceoverlayfilter",
              [this](cv::Mat& frame) { process(frame); }) {
  setInput(MediaType::VIDEO, frames_.input());
  setInput(MediaType::AUDIO, outputSinkPad(MediaType::AUDIO));
}

void FaceOverlayFilterImpl::setOverlayedImage(const std::string& uri, const double& offsetXPercent,
                                              const double& offsetYPercent,
                                              const double& widthPercent,
                                              const double& heightPercent) {
  checkFactor("offsetXPercent", offsetXPercent, false);
  checkFactor("offsetYPercent", offsetYPercent, false);
  checkFactor("widthPercent", widthPercent, true);
  checkFactor("heightPercent", heightPercent, true);
  auto overlay = std::make_shared<Overlay>(
      Overlay{filters::AlphaOverlay(filters::loadOverlayImage(uri)), offsetXPercent, offsetYPercent,
              widthPercent, heightPercent});
  std::lock_guard<std::mutex> lock(mutex_);
  overlay_ = std::move(overlay);
}

void FaceOverlayFilterImpl::unsetOverlayedImage() {
  std::lock_guard<std::mutex> lock(mutex_);
  overlay_.reset();
  detector_->clear();
}

void FaceOverlayFilterImpl::releaseResources() {
  FaceOverlayFilterBase::releaseResources();  // stops the streaming threads first
  std::lock_guard<std::mutex> lock(mutex_);
  detector_.reset();
}

void FaceOverlayFilterImpl::process(cv::Mat& frame) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!overlay_ || !detector_) {
    return;  // nothing to draw: no detection either
  }
  for (const cv::Rect& face : detector_->offer(frame)) {
    const cv::Rect target(static_cast<int>(std::lround(face.x + overlay_->offsetX * face.width)),
                          static_cast<int>(std::lround(face.y + overlay_->offsetY * face.height)),
                          static_cast<int>(std::lround(overlay_->width * face.width)),
                          static_cast<int>(std::lround(overlay_->height * face.height)));
    overlay_->picture.draw(frame, target);
  }
}

}  // namespace kurento
