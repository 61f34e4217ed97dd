#include "zbar/CodeScanner.hpp"

#include <zbar.h>
#include <opencv2/imgproc.hpp>

#include <stdexcept>

namespace kurento::filters {

using namespace zbar;  // NOLINT: the C API of <zbar.h>

CodeScanner::CodeScanner() : scanner_(zbar_image_scanner_create()) {
  if (scanner_ == nullptr) {
    throw std::runtime_error("cannot create a zbar scanner");
  }
  zbar_image_scanner_set_config(scanner_, ZBAR_NONE, ZBAR_CFG_ENABLE, 1);
}

CodeScanner::~CodeScanner() { zbar_image_scanner_destroy(scanner_); }

std::vector<FoundCode> CodeScanner::scan(const cv::Mat& frame,
                                         std::chrono::steady_clock::time_point now) {
  cv::cvtColor(frame, grey_, cv::COLOR_BGR2GRAY);
  zbar_image_t* image = zbar_image_create();
  zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(image, static_cast<unsigned>(grey_.cols), static_cast<unsigned>(grey_.rows));
  zbar_image_set_data(image, grey_.data, grey_.total(), nullptr);  // grey_ keeps the pixels
  std::vector<FoundCode> found;
  if (zbar_scan_image(scanner_, image) > 0) {
    for (const zbar_symbol_t* symbol = zbar_image_first_symbol(image); symbol != nullptr;
         symbol = zbar_symbol_next(symbol)) {
      FoundCode code{
          zbar_get_symbol_name(zbar_symbol_get_type(symbol)),
          std::string(zbar_symbol_get_data(symbol), zbar_symbol_get_data_length(symbol))};
      auto key = std::make_pair(code.codeType, code.value);
      auto seen = inView_.find(key);
      if (seen == inView_.end() || now - seen->second > forgetAfter) {
        found.push_back(std::move(code));
      }
      inView_[key] = now;
    }
  }
  zbar_image_destroy(image);
  for (auto it = inView_.begin(); it != inView_.end();) {
    it = now - it->second > forgetAfter ? inView_.erase(it) : std::next(it);
  }
  return found;
}

}  // namespace kurento::filters
