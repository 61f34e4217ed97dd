#include "overlay/AlphaBlend.hpp"

#include <opencv2/imgproc.hpp>

#include <utility>

namespace kurento::filters {

AlphaOverlay::AlphaOverlay(cv::Mat bgra) : original_{bgra, bgra.size()} {}

void AlphaOverlay::draw(cv::Mat& frame, const cv::Rect& target) {
  if (target.width <= 0 || target.height <= 0 || original_.pixels.empty()) {
    return;
  }
  if ((target & cv::Rect(0, 0, frame.cols, frame.rows)).empty()) {
    return;
  }
  if (scaled_.size != target.size()) {
    const int interpolation =
        target.area() < original_.size.area() ? cv::INTER_AREA : cv::INTER_LINEAR;
    cv::resize(original_.pixels, scaled_.pixels, target.size(), 0, 0, interpolation);
    scaled_.size = target.size();
  }
  blendOver(frame, scaled_.pixels, target);
}

void blendOver(cv::Mat& frame, const cv::Mat& bgra, const cv::Rect& target) {
  const cv::Rect visible = target & cv::Rect(0, 0, frame.cols, frame.rows);
  for (int y = visible.y; y < visible.y + visible.height; ++y) {
    const uchar* src = bgra.ptr<uchar>(y - target.y) + 4 * (visible.x - target.x);
    uchar* dst = frame.ptr<uchar>(y) + 3 * visible.x;
    for (int x = 0; x < visible.width; ++x, src += 4, dst += 3) {
      const unsigned alpha = src[3];
      if (alpha == 0) {
        continue;
      }
      if (alpha == 255) {
        dst[0] = src[0];
        dst[1] = src[1];
        dst[2] = src[2];
        continue;
      }
      const unsigned keep = 255 - alpha;
      for (int c = 0; c < 3; ++c) {
        dst[c] = static_cast<uchar>((src[c] * alpha + dst[c] * keep + 127) / 255);
      }
    }
  }
}

}  // namespace kurento::filters
