#include "TestServer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <vector>

namespace kms::test {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(15);
constexpr auto kStopTimeout = std::chrono::seconds(5);

// The server's port is chosen below the kernel's ephemeral range: a port probed and released
// inside it can be taken by any connection's local end before the server binds it.
constexpr int kLowestPort = 20000;
constexpr int kPortAttempts = 200;

int ephemeralStart() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int start = 0;
  return range >> start && start > kLowestPort + 1000 ? start : 32768;
}

bool canListen(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return bound;
}

int freePort() {
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> ports(kLowestPort, ephemeralStart() - 1);
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    const int port = ports(random);
    if (canListen(port)) return port;
  }
  throw std::runtime_error("cannot find a free port below the ephemeral range");
}

}  // namespace

TestServer::TestServer(const std::string& webRtcInterfaces) : port_(freePort()) {
  char pattern[] = "/tmp/kms-client-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = pattern;
  const std::string confFile = dir_ + "/kurento.conf.json";
  std::ofstream(confFile) << "{\"mediaServer\": {\"net\": {\"websocket\": {\"port\": " << port_
                          << ", \"path\": \"kurento\", \"threads\": 2}}}}\n";
  std::filesystem::create_directories(dir_ + "/modules/kurento");
  // ICE on the loopback only by default: other tests running beside this one create and
  // destroy interfaces (node.remb's network namespace and its veth pair); a call whose pair
  // went through such an address stopped when it disappeared.
  // KMS_TEST_LEAN=0: receive-only viewers are served by webrtcbin instead of the lean send-only
  // transport (1: by the lean one, the default).
  const char* lean = std::getenv("KMS_TEST_LEAN");
  const std::string leanSetting = lean != nullptr ? lean : "";
  const bool setsLean = leanSetting == "0" || leanSetting == "1";
  if (!webRtcInterfaces.empty() || setsLean) {
    std::ofstream ini(dir_ + "/modules/kurento/WebRtcEndpoint.conf.ini");
    if (!webRtcInterfaces.empty()) {
      ini << "networkInterfaces=" << webRtcInterfaces << "\n";
    }
    if (setsLean) {
      ini << "leanSendTransport=" << (leanSetting == "1" ? "true" : "false") << "\n";
    }
  }

  int pipeFds[2];
  if (::pipe(pipeFds) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> args = {
      KMS_SERVER_BINARY, "-f", confFile, "--modules-path", KMS_MODULES_DIR, "--modules-config-path",
      dir_ + "/modules"};
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(pipeFds[1], STDOUT_FILENO);
    ::dup2(pipeFds[1], STDERR_FILENO);
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);
    ::setenv("GST_DEBUG", "2", 0);
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipeFds[1]);
  outputFd_ = pipeFds[0];
  reader_ = std::thread([this] {
    char buffer[4096];
    for (ssize_t n; (n = ::read(outputFd_, buffer, sizeof(buffer))) > 0;) {
      std::lock_guard<std::mutex> lock(mutex_);
      output_.append(buffer, static_cast<size_t>(n));
    }
  });

  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (output().find("listening on ws://") == std::string::npos) {
    int status = 0;
    const bool exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
    if (exited || std::chrono::steady_clock::now() > deadline) {
      if (exited) {
        pid_ = -1;  // already reaped
      }
      stop();
      throw std::runtime_error("the server did not start:\n" + output());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

TestServer::~TestServer() { stop(); }

std::string TestServer::output() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return output_;
}

void TestServer::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
  }
  if (reader_.joinable()) {
    reader_.join();  // ends at EOF, once the server (and its children) closed the pipe
  }
  if (outputFd_ >= 0) {
    ::close(outputFd_);
    outputFd_ = -1;
  }
  if (!dir_.empty()) {
    std::filesystem::remove_all(dir_);
    dir_.clear();
  }
}

}  // namespace kms::test
