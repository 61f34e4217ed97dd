// `kurento-module-creator --scaffold`: a new third-party module project (IDL with one filter
// class, its Impl, a CMake project against the installed SDK, a test and a README).
#pragma once

#include <string>

namespace kmsidl {

struct ScaffoldOptions {
  std::string parentDir;  // the project is created in parentDir/<moduleName>
  std::string className;  // CamelCase, e.g. "HelloFilter"
  std::string moduleName;  // snake_case, e.g. "hello_filter"
  bool opencv = false;    // an OpenCVFilter (per-frame cv::Mat) instead of a GStreamer filter
};

// Checks the names (throws std::invalid_argument with the reason) and writes the project;
// refuses to touch an existing folder. Returns the project folder.
std::string scaffold(const ScaffoldOptions& options);

}  // namespace kmsidl
