// A process's resource use from /proc: CPU time (user + system), resident memory, threads and
// open file descriptors.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace kms::bench {

struct ProcessUsage {
  double cpuSeconds = 0;
  long rssKiB = 0;
  int threads = 0;
  int fds = 0;
};

ProcessUsage processUsage(pid_t pid);
double cpuSeconds(pid_t pid);
// CPU seconds of the process's threads by name, digits left out ("queue12:src" and
// "queue3:src" are both "queue:src"): GStreamer names a streaming thread after its pad.
struct ThreadGroup {
  double cpuSeconds = 0;
  int threads = 0;
};
std::map<std::string, ThreadGroup> threadCpuSeconds(pid_t pid);

}  // namespace kms::bench
