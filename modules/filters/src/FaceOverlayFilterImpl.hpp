// FaceOverlayFilter: finds faces (FaceDetector, at a bounded rate off the streaming thread) and
// draws the image set by setOverlayedImage over each, placed and sized relative to the face;
// audio passes untouched. Kurento's Magic Mirror puts a hat on the user with it.
#pragma once

#include "FaceOverlayFilterBase.hpp"
#include "face/FaceDetector.hpp"
#include "opencv/BgrFrames.hpp"
#include "overlay/AlphaBlend.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace kurento {

class FaceOverlayFilterImpl : public FaceOverlayFilterBase {
 public:
  explicit FaceOverlayFilterImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline);

  // Fetches and decodes `uri` before returning (40107 naming the URI when it cannot). For a
  // face at (x, y) of size (w, h) the image covers (x + offsetX*w, y + offsetY*h) with size
  // (width*w, height*h), as in Kurento: negative offsets move it left and up.
  void setOverlayedImage(const std::string& uri, const double& offsetXPercent,
                         const double& offsetYPercent, const double& widthPercent,
                         const double& heightPercent) override;
  void unsetOverlayedImage() override;

  void releaseResources() override;

 protected:
  // Raw video: the source decodes (once, shared; BgrFrames.hpp).
  GstCaps* acceptedInput(MediaType type) override {
    return type == MediaType::VIDEO ? filters::BgrFrames::acceptedCaps() : nullptr;
  }

 private:
  struct Overlay {
    filters::AlphaOverlay picture;
    double offsetX, offsetY, width, height;  // in face widths and heights
  };
  void process(cv::Mat& frame);

  std::mutex mutex_;  // overlay_: requests change it, the streaming thread draws it
  std::shared_ptr<Overlay> overlay_;
  std::unique_ptr<filters::FaceDetector> detector_;
  filters::BgrFrames frames_;
};

}  // namespace kurento
