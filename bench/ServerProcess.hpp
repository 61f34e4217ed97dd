// Starts the real server for a benchmark and measures its start-up and memory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace kms::bench {

class ServerProcess {
 public:
  // Writes a config with `port` into a temp dir and starts `binary`; returns once a TCP
  // connection to the port succeeds (throws after 10 s). startupMs() is the time it took.
  ServerProcess(const std::string& binary, const std::string& modulesPath, uint16_t port);
  ~ServerProcess();

  double startupMs() const { return startupMs_; }
  // VmRSS of the server in KiB.
  int64_t rssKiB() const;

 private:
  pid_t pid_ = -1;
  double startupMs_ = 0;
  std::string dir_;
};

uint16_t freeLoopbackPort();

}  // namespace kms::bench
