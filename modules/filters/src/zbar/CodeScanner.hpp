// QR and bar code reading with libzbar on BGR frames, and the rule that a code is reported
// once while it stays in view: a code seen again within `forgetAfter` of its last sighting is
// the same sighting (zbar misses a code in some frames even when it does not move).
#pragma once

#include <opencv2/core.hpp>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace zbar {
struct zbar_image_scanner_s;  // <zbar.h> declares its C API in namespace zbar for C++
}

namespace kurento::filters {

struct FoundCode {
  std::string codeType;  // zbar's symbology name: "QR-Code", "EAN-13", "CODE-128", ...
  std::string value;
};

class CodeScanner {
 public:
  CodeScanner();
  ~CodeScanner();
  CodeScanner(const CodeScanner&) = delete;
  CodeScanner& operator=(const CodeScanner&) = delete;

  // Every code in `frame` (BGR) that was not in view at `now`.
  std::vector<FoundCode> scan(const cv::Mat& frame, std::chrono::steady_clock::time_point now);

  static constexpr std::chrono::milliseconds forgetAfter{1000};

 private:
  zbar::zbar_image_scanner_s* scanner_;
  std::map<std::pair<std::string, std::string>, std::chrono::steady_clock::time_point> inView_;
  cv::Mat grey_;
};

}  // namespace kurento::filters
