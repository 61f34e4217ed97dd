// A webrtcbin peer killed (SIGKILL, in a process of its own: no DTLS alert, no ICE goodbye) in
// the middle of a call: its WebRtcEndpoint reports the loss (MediaFlowIn NOT_FLOWING, ICE and
// connection state, MediaStateChanged DISCONNECTED) within seconds, a call in another pipeline
// keeps flowing, and the endpoint releases cleanly. Prints the time to detect each signal.
// The test binary is also the killed peer: `peer_death_test --peer <url> <endpointId>`.
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

extern char** environ;

namespace {

using kms::client::Connection;
using kms::test::WebRtcPeer;
namespace kc = kurento::client;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The killed peer's process: offers to the endpoint, says "flowing" once it decodes the looped
// back video, and waits to be killed (at most two minutes).
int runPeer(const std::string& url, const std::string& endpointId) {
  auto connection = Connection::connect(url);
  auto endpoint = std::make_shared<kc::WebRtcEndpoint>(connection, endpointId);
  WebRtcPeer peer(WebRtcPeer::Direction::kSendRecv);
  peer.offerTo(endpoint);
  if (!peer.waitForFrames(20, 20s)) {
    std::printf("no media\n");
    return 1;
  }
  std::printf("flowing\n");
  std::fflush(stdout);
  std::this_thread::sleep_for(120s);
  return 0;
}

// When each named signal was first seen (name -> time).
class Signals {
 public:
  void note(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    seen_.emplace(name, Clock::now());
    changed_.notify_all();
  }
  bool waitFor(const std::string& name, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return seen_.count(name) != 0; });
  }
  // Milliseconds from `from` to the signal, -1 when it was not seen.
  long msAfter(const std::string& name, Clock::time_point from) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = seen_.find(name);
    return found == seen_.end()
               ? -1
               : std::chrono::duration_cast<std::chrono::milliseconds>(found->second - from)
                     .count();
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    seen_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::multimap<std::string, Clock::time_point> seen_;
};

void watch(const std::shared_ptr<kc::WebRtcEndpoint>& endpoint, Signals& signals) {
  endpoint->subscribeMediaFlowInStateChanged([&signals](const kc::MediaFlowInStateChangedEvent& e) {
    signals.note(std::string("flow-in ") + kc::toString(e.mediaType) + " " + kc::toString(e.state));
  });
  endpoint->subscribeMediaStateChanged([&signals](const kc::MediaStateChangedEvent& e) {
    signals.note(std::string("media ") + kc::toString(e.newState));
  });
  endpoint->subscribeConnectionStateChanged([&signals](const kc::ConnectionStateChangedEvent& e) {
    signals.note(std::string("connection ") + kc::toString(e.newState));
  });
  endpoint->subscribeIceComponentStateChanged(
      [&signals](const kc::IceComponentStateChangedEvent& e) {
        signals.note(std::string("ice ") + kc::toString(e.state));
      });
}

// The peer process, its stdout readable.
struct Child {
  pid_t pid = -1;
  int output = -1;
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (output >= 0) {
      ::close(output);
    }
  }
  // Reads until `word` appears in the output or `timeout` passes.
  bool waitForOutput(const std::string& word, std::chrono::milliseconds timeout,
                     std::string& text) {
    const auto deadline = Clock::now() + timeout;
    while (text.find(word) == std::string::npos && Clock::now() < deadline) {
      pollfd ready{output, POLLIN, 0};
      if (::poll(&ready, 1, 100) > 0) {
        char buffer[256];
        const ssize_t n = ::read(output, buffer, sizeof(buffer));
        if (n <= 0) {
          break;
        }
        text.append(buffer, static_cast<size_t>(n));
      }
    }
    return text.find(word) != std::string::npos;
  }
};

std::unique_ptr<Child> spawnPeer(const std::string& url, const std::string& endpointId) {
  int fds[2];
  if (::pipe(fds) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::string self = "/proc/self/exe";
  std::string flag = "--peer";
  std::string urlArg = url;
  std::string idArg = endpointId;
  char* argv[] = {self.data(), flag.data(), urlArg.data(), idArg.data(), nullptr};
  auto child = std::make_unique<Child>();
  const int spawned = posix_spawn(&child->pid, self.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  child->output = fds[0];
  if (spawned != 0) {
    child->pid = -1;
    throw std::runtime_error(std::string("cannot start the peer: ") + std::strerror(spawned));
  }
  return child;
}

TEST(PeerDeath, KilledPeerIsReportedWithinSecondsAndOtherCallsKeepFlowing) {
  kms::test::TestServer server;
  auto connection = Connection::connect(server.url());

  auto otherPipeline = kc::MediaPipeline::create(connection);
  auto otherEndpoint = kc::WebRtcEndpoint::create(connection, otherPipeline);
  otherEndpoint->connect(otherEndpoint);
  WebRtcPeer otherPeer(WebRtcPeer::Direction::kSendRecv);
  otherPeer.offerTo(otherEndpoint);
  ASSERT_TRUE(otherPeer.waitForFrames(20, 20s)) << otherPeer.framesDecoded();

  auto pipeline = kc::MediaPipeline::create(connection);
  std::atomic<int> errors{0};
  for (const auto& watched : {pipeline, otherPipeline}) {
    watched->subscribeError([&errors](const kc::ErrorEvent& e) {
      std::cerr << "Error event: " << e.description << "\n";
      ++errors;
    });
  }
  auto endpoint = kc::WebRtcEndpoint::create(connection, pipeline);
  endpoint->connect(endpoint);
  Signals signals;
  watch(endpoint, signals);
  auto child = spawnPeer(server.url(), endpoint->id());
  std::string childOutput;
  ASSERT_TRUE(child->waitForOutput("flowing", 40s, childOutput)) << "peer: " << childOutput;
  ASSERT_TRUE(signals.waitFor("flow-in VIDEO FLOWING", 10s));
  ASSERT_TRUE(signals.waitFor("connection CONNECTED", 10s));
  signals.clear();

  const auto killed = Clock::now();
  ::kill(child->pid, SIGKILL);
  ::waitpid(child->pid, nullptr, 0);
  child->pid = -1;
  EXPECT_TRUE(signals.waitFor("flow-in VIDEO NOT_FLOWING", 10s));
  EXPECT_TRUE(signals.waitFor("flow-in AUDIO NOT_FLOWING", 10s));
  EXPECT_TRUE(signals.waitFor("media DISCONNECTED", 20s));
  EXPECT_TRUE(signals.waitFor("connection DISCONNECTED", 20s));
  const long iceMs =
      std::max(signals.msAfter("ice DISCONNECTED", killed), signals.msAfter("ice FAILED", killed));
  EXPECT_GE(iceMs, 0) << "no ICE state change after the peer died";
  std::cout << "peer killed: MediaFlowIn VIDEO NOT_FLOWING after "
            << signals.msAfter("flow-in VIDEO NOT_FLOWING", killed) << " ms, ICE "
            << (signals.msAfter("ice FAILED", killed) >= 0 ? "FAILED" : "DISCONNECTED") << " after "
            << iceMs << " ms, ConnectionStateChanged DISCONNECTED after "
            << signals.msAfter("connection DISCONNECTED", killed)
            << " ms, MediaStateChanged DISCONNECTED after "
            << signals.msAfter("media DISCONNECTED", killed) << " ms\n";

  const uint64_t before = otherPeer.framesDecoded();
  EXPECT_TRUE(otherPeer.waitForFrames(before + 20, 10s)) << "the other call stopped";
  pipeline->release();
  const uint64_t afterRelease = otherPeer.framesDecoded();
  EXPECT_TRUE(otherPeer.waitForFrames(afterRelease + 20, 10s)) << "the other call stopped";
  EXPECT_EQ(errors, 0);
  otherPipeline->release();
  connection->close();
  if (HasFailure()) {
    std::cerr << "server output:\n" << server.output().substr(0, 20000);
  }
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  if (argc == 4 && std::string(argv[1]) == "--peer") {
    try {
      return runPeer(argv[2], argv[3]);
    } catch (const std::exception& error) {
      std::printf("peer failed: %s\n", error.what());
      return 1;
    }
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
