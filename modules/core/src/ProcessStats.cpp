#include "ProcessStats.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace kurento {

namespace {

struct CpuTimes {
  uint64_t busy = 0;
  uint64_t total = 0;
};

CpuTimes readCpuTimes() {
  std::ifstream stat("/proc/stat");
  std::string label;
  stat >> label;  // "cpu": the sum over all cores
  CpuTimes times;
  uint64_t value = 0;
  for (int field = 0; field < 8 && stat >> value; ++field) {
    times.total += value;
    const bool idle = field == 3 || field == 4;  // idle and iowait
    if (!idle) {
      times.busy += value;
    }
  }
  return times;
}

}  // namespace

int64_t residentMemoryKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      int64_t kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

double machineCpuUsagePercent(int32_t intervalMs) {
  const CpuTimes before = readCpuTimes();
  std::this_thread::sleep_for(std::chrono::milliseconds(intervalMs));
  const CpuTimes after = readCpuTimes();
  const uint64_t total = after.total - before.total;
  if (total == 0) {
    return 0.0;
  }
  return 100.0 * static_cast<double>(after.busy - before.busy) / static_cast<double>(total);
}

}  // namespace kurento
