#include "ImageOverlayFilterImpl.hpp"

#include "MediaPipelineImpl.hpp"
#include "overlay/ImageFetch.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Text.hpp>

#include <cmath>

namespace kurento {

namespace {
[[noreturn]] void refuse(const std::string& reason) {
  throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError, reason);
}

void checkFraction(const char* name, double value, bool zeroAllowed) {
  if (!std::isfinite(value) || value < 0.0 || value > 1.0 || (!zeroAllowed && value == 0.0)) {
    refuse(std::string(name) + " must be a fraction of the frame from " +
           (zeroAllowed ? "0" : "above 0") + " to 1; got " + kms::numberText(value));
  }
}
}  // namespace

ImageOverlayFilterImpl::ImageOverlayFilterImpl(
    const std::shared_ptr<MediaPipelineImpl>& mediaPipeline)
    : ImageOverlayFilterBase(mediaPipeline, "imageoverlayfilter"),
      frames_(bin(), outputSinkPad(MediaType::VIDEO), "imageoverlayfilter",
              [this](cv::Mat& frame) { process(frame); }) {
  setInput(MediaType::VIDEO, frames_.input());
  setInput(MediaType::AUDIO, outputSinkPad(MediaType::AUDIO));
}

void ImageOverlayFilterImpl::addImage(const std::string& id, const std::string& uri,
                                      const double& offsetXPercent, const double& offsetYPercent,
                                      const double& widthPercent, const double& heightPercent,
                                      const bool& keepAspectRatio, const bool& center) {
  if (id.empty()) {
    refuse("addImage: the id must not be empty");
  }
  checkFraction("offsetXPercent", offsetXPercent, true);
  checkFraction("offsetYPercent", offsetYPercent, true);
  checkFraction("widthPercent", widthPercent, false);
  checkFraction("heightPercent", heightPercent, false);
  auto placed = std::make_shared<Placed>(
      Placed{filters::AlphaOverlay(filters::loadOverlayImage(uri)), offsetXPercent, offsetYPercent,
             widthPercent, heightPercent, keepAspectRatio, center});
  std::lock_guard<std::mutex> lock(mutex_);
  images_[id] = std::move(placed);
}

void ImageOverlayFilterImpl::removeImage(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (images_.erase(id) == 0) {
    refuse("removeImage: no image has the id '" + id + "'");
  }
}

// The region of the frame given by the fractions; with keepAspectRatio the picture is shrunk
// to fit it with its own proportions, at its top-left corner or, with center, in its middle.
cv::Rect ImageOverlayFilterImpl::placement(const Placed& image, const cv::Size& frame) {
  const double regionW = image.width * frame.width;
  const double regionH = image.height * frame.height;
  double x = image.x * frame.width;
  double y = image.y * frame.height;
  double w = regionW;
  double h = regionH;
  if (image.keepAspectRatio) {
    const cv::Size& own = image.picture.size();
    const double scale = std::min(regionW / own.width, regionH / own.height);
    w = own.width * scale;
    h = own.height * scale;
    if (image.center) {
      x += (regionW - w) / 2;
      y += (regionH - h) / 2;
    }
  }
  return {static_cast<int>(std::lround(x)), static_cast<int>(std::lround(y)),
          std::max(1, static_cast<int>(std::lround(w))),
          std::max(1, static_cast<int>(std::lround(h)))};
}

void ImageOverlayFilterImpl::process(cv::Mat& frame) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, image] : images_) {
    image->picture.draw(frame, placement(*image, frame.size()));
  }
}

}  // namespace kurento
