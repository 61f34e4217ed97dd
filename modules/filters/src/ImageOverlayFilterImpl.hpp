// ImageOverlayFilter: draws pictures (each fetched once from its URI) over the video at
// positions and sizes given as fractions of the frame; audio passes untouched.
#pragma once

#include "ImageOverlayFilterBase.hpp"
#include "opencv/BgrFrames.hpp"
#include "overlay/AlphaBlend.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace kurento {

class ImageOverlayFilterImpl : public ImageOverlayFilterBase {
 public:
  explicit ImageOverlayFilterImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline);

  // Fetches and decodes `uri` before returning (40107 naming the URI when it cannot); an
  // existing `id` is replaced. Offsets and sizes are fractions of the frame, from 0 to 1.
  void addImage(const std::string& id, const std::string& uri, const double& offsetXPercent,
                const double& offsetYPercent, const double& widthPercent,
                const double& heightPercent, const bool& keepAspectRatio,
                const bool& center) override;
  // 40107 when no image has this id.
  void removeImage(const std::string& id) override;

 protected:
  // Raw video: the source decodes (once, shared; BgrFrames.hpp).
  GstCaps* acceptedInput(MediaType type) override {
    return type == MediaType::VIDEO ? filters::BgrFrames::acceptedCaps() : nullptr;
  }

 private:
  struct Placed {
    filters::AlphaOverlay picture;
    double x, y, width, height;  // fractions of the frame
    bool keepAspectRatio;
    bool center;
  };
  static cv::Rect placement(const Placed& image, const cv::Size& frame);
  void process(cv::Mat& frame);

  std::mutex mutex_;  // images_: requests change it, the streaming thread draws it
  std::map<std::string, std::shared_ptr<Placed>> images_;
  filters::BgrFrames frames_;
};

}  // namespace kurento
