// Draws a BGRA picture over BGR video frames, blending by its alpha, at any place and size
// (the parts outside the frame are clipped). Used from one streaming thread at a time.
#pragma once

#include <opencv2/core.hpp>

namespace kurento::filters {

class AlphaOverlay {
 public:
  // `bgra`: an 8-bit 4-channel picture (see loadOverlayImage).
  explicit AlphaOverlay(cv::Mat bgra);

  const cv::Size& size() const { return original_.size; }
  // Draws the picture scaled to `target` (frame pixels) over `frame` (8-bit BGR).
  void draw(cv::Mat& frame, const cv::Rect& target);

 private:
  struct Picture {
    cv::Mat pixels;
    cv::Size size;
  };
  Picture original_;
  Picture scaled_;  // the last size drawn, kept while the target keeps its size
};

// Blends `bgra` (already the size of `target`) over `frame` inside `target`, clipped.
void blendOver(cv::Mat& frame, const cv::Mat& bgra, const cv::Rect& target);

}  // namespace kurento::filters
