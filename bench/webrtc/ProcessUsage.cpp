#include "ProcessUsage.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace kms::bench {

namespace {

// user + system seconds from a /proc stat file; `name` gets the command name.
double statCpuSeconds(const std::string& path, std::string* name) {
  std::ifstream stat(path);
  const std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  const size_t open = text.find('(');
  if (close == std::string::npos || open == std::string::npos) {
    return 0;
  }
  if (name != nullptr) {
    *name = text.substr(open + 1, close - open - 1);
  }
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long user = 0;
  unsigned long long system = 0;
  for (int index = 3; fields >> field; ++index) {  // field 3 is the state
    if (index == 14) {
      user = std::stoull(field);
    } else if (index == 15) {
      system = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

double cpuSeconds(pid_t pid) {
  return statCpuSeconds("/proc/" + std::to_string(pid) + "/stat", nullptr);
}

std::map<std::string, ThreadGroup> threadCpuSeconds(pid_t pid) {
  std::map<std::string, ThreadGroup> byName;
  std::error_code error;
  for (auto it =
           std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    std::string name;
    const double seconds = statCpuSeconds(it->path().string() + "/stat", &name);
    std::string group;
    for (char c : name) {
      if (c < '0' || c > '9') {
        group += c;
      }
    }
    byName[group].cpuSeconds += seconds;
    ++byName[group].threads;
  }
  return byName;
}

ProcessUsage processUsage(pid_t pid) {
  ProcessUsage usage;
  usage.cpuSeconds = cpuSeconds(pid);
  const std::string base = "/proc/" + std::to_string(pid);
  std::ifstream status(base + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      usage.rssKiB = std::stol(line.substr(6));
    } else if (line.rfind("Threads:", 0) == 0) {
      usage.threads = std::stoi(line.substr(8));
    }
  }
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(base + "/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    ++usage.fds;
  }
  return usage;
}

}  // namespace kms::bench
