#include "ResourceUsage.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace kms::host {

namespace {

double ratio(double used, rlim_t limit) {
  if (limit == RLIM_INFINITY || limit == 0) {
    return 0.0;
  }
  return std::min(1.0, used / static_cast<double>(limit));
}

double openFiles() {
  std::error_code ec;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++count;
  }
  return count;
}

double threads() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "Threads:") {
      double count = 0;
      status >> count;
      return count;
    }
    status.ignore(4096, '\n');
  }
  return 0;
}

rlim_t threadLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NPROC, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    return limit.rlim_cur;
  }
  std::ifstream max("/proc/sys/kernel/threads-max");
  rlim_t value = 0;
  max >> value;
  return value;
}

}  // namespace

double resourceUsageFraction() {
  rlimit files{};
  const double fileShare = getrlimit(RLIMIT_NOFILE, &files) == 0 ? ratio(openFiles(), files.rlim_cur)
                                                                 : 0.0;
  return std::max(fileShare, ratio(threads(), threadLimit()));
}

}  // namespace kms::host
