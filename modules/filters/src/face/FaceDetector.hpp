// Face detection off the streaming thread, at a bounded rate: the streaming thread offers
// frames; when the worker is idle, and the last detection ended at least `interval` ago and at
// least as long ago as it took (so detection takes at most half of a core), a small grey copy
// of the frame goes to the worker, which runs OpenCV's frontal-face cascade (Debian's
// opencv-data) on it. Between detections the last positions are kept, so the video
// never waits for a detection and a 30 fps stream stays at 30 fps.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kurento::filters {

class FaceDetector {
 public:
  struct Options {
    std::string cascadeFile = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml";
    std::chrono::milliseconds interval{100};
    int detectWidth = 320;  // frames are shrunk to this width for detection
  };

  // Throws kms::KurentoException(kNotEnoughResources) when the cascade cannot be loaded.
  explicit FaceDetector(Options options);
  FaceDetector() : FaceDetector(Options{}) {}
  ~FaceDetector();
  FaceDetector(const FaceDetector&) = delete;
  FaceDetector& operator=(const FaceDetector&) = delete;

  // Streaming thread: offers `frame` (BGR) and returns the faces last found, in its pixels.
  std::vector<cv::Rect> offer(const cv::Mat& frame);
  // Forgets the faces found (e.g. when the overlay is unset).
  void clear();
  // Detections completed so far.
  uint64_t detections() const;

 private:
  void run();

  const Options options_;
  cv::CascadeClassifier cascade_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  cv::Mat pending_;          // grey, shrunk; empty when the worker has nothing to do
  double pendingScale_ = 1;  // frame pixels per pending_ pixel
  bool busy_ = false;
  bool stopping_ = false;
  uint64_t detections_ = 0;
  std::vector<cv::Rect> faces_;
  std::chrono::steady_clock::time_point lastEnd_{};
  std::chrono::steady_clock::duration lastDuration_{};
  std::thread worker_;  // last: starts once the rest is ready
};

}  // namespace kurento::filters
