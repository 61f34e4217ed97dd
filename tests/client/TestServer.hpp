// Runs the real kurento-media-server (KMS_SERVER_BINARY, modules from KMS_MODULES_DIR) on a
// free loopback port for the client tests, like tests/node/lib/server.js does for Node.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <string>
#include <thread>

namespace kms::test {

class TestServer {
 public:
  // Starts the server and waits until it listens; throws std::runtime_error with its
  // output when it does not start. WebRtcEndpoints gather on `webRtcInterfaces` (their
  // networkInterfaces setting; empty: every interface, the server's default).
  TestServer() : TestServer("lo") {}
  explicit TestServer(const std::string& webRtcInterfaces);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/kurento"; }
  std::string output() const;
  pid_t pid() const { return pid_; }

 private:
  void stop();

  int port_ = 0;
  std::string dir_;
  pid_t pid_ = -1;
  int outputFd_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::string output_;
};

}  // namespace kms::test
