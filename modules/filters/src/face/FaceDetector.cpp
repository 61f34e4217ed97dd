#include "face/FaceDetector.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <utility>

namespace kurento::filters {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-face-detector", "Face detection");
#define GST_CAT_DEFAULT kCat
}  // namespace

FaceDetector::FaceDetector(Options options) : options_(std::move(options)) {
  bool loaded = false;
  try {
    loaded = cascade_.load(options_.cascadeFile);
  } catch (const cv::Exception& error) {
    GST_WARNING("cannot load %s: %s", options_.cascadeFile.c_str(), error.what());
  }
  if (!loaded) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "FaceOverlayFilter cannot load OpenCV's face cascade " +
                                    options_.cascadeFile + " (Debian package opencv-data)");
  }
  worker_ = std::thread([this] { run(); });
}

FaceDetector::~FaceDetector() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  worker_.join();
}

std::vector<cv::Rect> FaceDetector::offer(const cv::Mat& frame) {
  const auto now = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  const auto pause =
      std::max<std::chrono::steady_clock::duration>(options_.interval, lastDuration_);
  if (!busy_ && now - lastEnd_ >= pause && frame.cols > 0) {
    busy_ = true;
    lock.unlock();
    // The copy is made here, outside the lock, while the worker waits for it.
    const double scale = frame.cols > options_.detectWidth
                             ? static_cast<double>(frame.cols) / options_.detectWidth
                             : 1.0;
    cv::Mat small;
    if (scale > 1.0) {
      cv::resize(frame, small, cv::Size(), 1.0 / scale, 1.0 / scale, cv::INTER_AREA);
    } else {
      small = frame;
    }
    cv::Mat grey;
    cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
    lock.lock();
    pending_ = std::move(grey);
    pendingScale_ = scale;
    wake_.notify_one();
  }
  return faces_;
}

void FaceDetector::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  faces_.clear();
}

uint64_t FaceDetector::detections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return detections_;
}

void FaceDetector::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (stopping_) {
      return;
    }
    cv::Mat grey = std::move(pending_);
    pending_ = cv::Mat();
    const double scale = pendingScale_;
    lock.unlock();
    const auto start = std::chrono::steady_clock::now();
    std::vector<cv::Rect> found;
    try {
      // No histogram equalisation: on dark, flat pictures it turns coding noise into texture
      // that the cascade takes for faces.
      cascade_.detectMultiScale(grey, found, 1.1, 4, 0, cv::Size(20, 20));
    } catch (const cv::Exception& error) {
      GST_WARNING("face detection failed: %s", error.what());
    }
    for (cv::Rect& face : found) {
      face = cv::Rect(static_cast<int>(face.x * scale), static_cast<int>(face.y * scale),
                      static_cast<int>(face.width * scale), static_cast<int>(face.height * scale));
    }
    const auto end = std::chrono::steady_clock::now();
    lock.lock();
    faces_ = std::move(found);
    busy_ = false;
    lastEnd_ = end;
    lastDuration_ = end - start;
    ++detections_;
  }
}

}  // namespace kurento::filters
