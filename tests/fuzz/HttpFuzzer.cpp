// HTTP requests to the host's real listener over a TCP connection on 127.0.0.1: /healthz,
// /metrics, WebSocket upgrades, other paths, and POSTs to a registered upload path (plain and
// multipart/form-data bodies, a handler that pauses reading and one that refuses). "$UPLOAD"
// in the input stands for the upload path (a random UUID path the fuzzer could not guess).
// Each input is one connection: written whole, half-closed, the reply read until the server
// closes. Checks that a reply, when there is one, starts with an HTTP status line.
#include "FuzzServer.hpp"

#include "server/ObjectRegistry.hpp"

#include <kms/sdk/HttpUpload.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

constexpr int kReplyTimeoutMs = 5000;

// Takes whatever arrives; every fourth chunk it asks for a pause and resumes at once.
class CountingHandler : public kms::HttpUploadHandler {
 public:
  std::string begin(const std::string& contentType) override {
    return contentType.find("refuse") != std::string::npos ? "refused by the fuzz handler" : "";
  }
  bool data(const uint8_t*, size_t size, std::function<void()> resume) override {
    bytes_ += size;
    if (++calls_ % 4 != 0) {
      return true;
    }
    resume();
    return false;
  }
  void end(bool) override {}

 private:
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> calls_{0};
};

const std::string& uploadPath() {
  static std::shared_ptr<CountingHandler> handler = std::make_shared<CountingHandler>();
  static const std::string path =
      kms::fuzz::FuzzServer::get().server().registry().registerHttpUpload(handler);
  return path;
}

std::string substitute(std::string text) {
  static const std::string kMark = "$UPLOAD";
  for (size_t at = text.find(kMark); at != std::string::npos; at = text.find(kMark, at)) {
    text.replace(at, kMark.size(), uploadPath());
    at += uploadPath().size();
  }
  return text;
}

int connectTo(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::perror("fuzz: connect to the server");
    std::abort();
  }
  return fd;
}

// Writes what the server takes (it may close early, e.g. after a 4xx); then half-closes.
void writeAll(int fd, const std::string& text) {
  size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n = send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      break;
    }
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
}

std::string readReply(int fd) {
  std::string reply;
  char buffer[16 * 1024];
  for (;;) {
    pollfd waiting{fd, POLLIN, 0};
    if (poll(&waiting, 1, kReplyTimeoutMs) <= 0) {
      break;  // the server keeps a WebSocket open until its own time-out: do not wait for it
    }
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      break;
    }
    if (reply.size() < 64 * 1024) {
      reply.append(buffer, static_cast<size_t>(n));
    }
  }
  return reply;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kms::fuzz::FuzzServer& server = kms::fuzz::FuzzServer::get();
  const std::string request = substitute(std::string(reinterpret_cast<const char*>(data), size));
  const int fd = connectTo(server.port());
  writeAll(fd, request);
  const std::string reply = readReply(fd);
  close(fd);
  if (!reply.empty() && reply.rfind("HTTP/1.", 0) != 0) {
    std::fprintf(stderr, "fuzz: the reply is not HTTP: %.200s\n", reply.c_str());
    std::abort();
  }
  return 0;
}
