// WebRTC session churn soak: --sessions sessions (default 2000), --parallel at a time (4), each a
// GStreamer webrtcbin peer looped back through a WebRtcEndpoint of its own pipeline for
// --seconds of media (2), then released. It checks that every session decoded video, that the
// server's RSS, open file descriptors and threads end within --tolerance percent (5) of their
// values after --warmup sessions (100: the first calls load plugins, touch code pages, start
// GLib's and GStreamer's thread pools and fill their caches), and that the server logged no
// ERROR line. Exit status 0 when all of that holds.
// --viewer adds a receive-only viewer of the endpoint to each session (the lean transport).
// Usage: webrtc-churn [--sessions 2000] [--parallel 4] [--seconds 2] [--warmup 100] [--tolerance 5]
//                     [--server-url ws://127.0.0.1:8888/kurento --server-pid PID]
// With --server-url the sessions go to a server started by hand (under heaptrack, valgrind or
// perf, say) whose figures are read from /proc/PID; its log is then not checked.
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <boost/program_options.hpp>

#include <dirent.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace kc = kurento::client;
using kms::test::WebRtcPeer;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Resources {
  long rssKiB = 0;
  long fds = 0;
  long threads = 0;
  long anonKiB = 0;  // of which heap and stacks (the rest: mapped code and files)
};

long statusField(pid_t pid, const std::string& name) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(name + ":", 0) == 0) {
      return std::stol(line.substr(name.size() + 1));
    }
  }
  return 0;
}

long openFds(pid_t pid) {
  DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (dir == nullptr) {
    return 0;
  }
  long count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    count += entry->d_name[0] != '.' ? 1 : 0;
  }
  ::closedir(dir);
  return count;
}

Resources resourcesOf(pid_t pid) {
  return {statusField(pid, "VmRSS"), openFds(pid), statusField(pid, "Threads"),
          statusField(pid, "RssAnon")};
}

std::string describe(const Resources& r) {
  return std::to_string(r.rssKiB) + " KiB RSS (" + std::to_string(r.anonKiB) + " anonymous), " +
         std::to_string(r.fds) + " fds, " + std::to_string(r.threads) + " threads";
}

bool within(long value, long base, double tolerancePercent) {
  return static_cast<double>(value) <= static_cast<double>(base) * (1.0 + tolerancePercent / 100.0);
}

bool allWithin(const Resources& now, const Resources& base, double tolerance) {
  return within(now.rssKiB, base.rssKiB, tolerance) && within(now.fds, base.fds, tolerance) &&
         within(now.threads, base.threads, tolerance);
}

// Released pipelines stop their threads asynchronously (GStreamer's task pool, libnice's
// timers): waits up to `timeout` for the figures to come back within the tolerance.
Resources settle(pid_t pid, const Resources& base, double tolerance, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Resources now = resourcesOf(pid);
  while (!allWithin(now, base, tolerance) && Clock::now() < deadline) {
    std::this_thread::sleep_for(250ms);
    now = resourcesOf(pid);
  }
  return now;
}

struct Options {
  int sessions = 2000;
  int parallel = 4;
  int seconds = 2;
  int warmup = 100;
  double tolerance = 5;
  bool viewer = false;    // each session also has a receive-only viewer (the lean transport)
  std::string serverUrl;  // empty: start a server of our own
  pid_t serverPid = 0;
};

// The server the sessions go to: our own, or one started by hand (--server-url).
class Target {
 public:
  explicit Target(const Options& options) {
    if (options.serverUrl.empty()) {
      own_ = std::make_unique<kms::test::TestServer>();
    }
    url_ = own_ ? own_->url() : options.serverUrl;
    pid_ = own_ ? own_->pid() : options.serverPid;
  }
  const std::string& url() const { return url_; }
  pid_t pid() const { return pid_; }
  bool logged() const { return own_ != nullptr; }
  // The server's output so far ("" for a server started by hand).
  std::string output() const { return own_ ? own_->output() : std::string(); }

 private:
  std::unique_ptr<kms::test::TestServer> own_;
  std::string url_;
  pid_t pid_ = 0;
};

// One session: a pipeline with a looped-back WebRtcEndpoint and a send-receive peer (and with
// `viewer`, a receive-only peer of that endpoint too); returns the frames the peer decoded
// during `seconds` of media (0 when none arrived in 15 s, or when the viewer got none).
uint64_t runSession(const std::shared_ptr<kms::client::Connection>& connection, int seconds,
                    bool viewer) {
  auto pipeline = kc::MediaPipeline::create(connection);
  uint64_t frames = 0;
  try {
    auto endpoint = kc::WebRtcEndpoint::create(connection, pipeline);
    endpoint->connect(endpoint);
    WebRtcPeer peer(WebRtcPeer::Direction::kSendRecv);
    peer.offerTo(endpoint);
    std::unique_ptr<WebRtcPeer> watcher;
    if (viewer) {
      auto watching = kc::WebRtcEndpoint::create(connection, pipeline);
      endpoint->connect(watching);
      watcher = std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kRecvOnly);
      watcher->offerTo(watching);
    }
    if (peer.waitForFrames(1, 15s) && (!watcher || watcher->waitForFrames(1, 15s))) {
      const uint64_t first = peer.framesDecoded();
      std::this_thread::sleep_for(std::chrono::seconds(seconds));
      frames = std::max<uint64_t>(first, peer.framesDecoded());
    }
  } catch (...) {
    pipeline->release();
    throw;
  }
  pipeline->release();
  return frames;
}

struct Tally {
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::atomic<int> withoutMedia{0};
  std::atomic<int> failed{0};
  std::atomic<uint64_t> frames{0};
  std::mutex mutex;
  std::string firstFailure;
};

// `parallel` workers, each on its own connection, run sessions until `count` have started.
void runSessions(const Target& server, int count, const Options& options,
                 Tally& tally, const std::function<void(int)>& progress) {
  const int end = tally.next + count;
  std::vector<std::thread> workers;
  for (int w = 0; w < options.parallel; ++w) {
    workers.emplace_back([&] {
      auto connection = kms::client::Connection::connect(server.url());
      for (int index; (index = tally.next++) < end;) {
        try {
          const uint64_t frames = runSession(connection, options.seconds, options.viewer);
          tally.frames += frames;
          tally.withoutMedia += frames == 0 ? 1 : 0;
        } catch (const std::exception& error) {
          ++tally.failed;
          std::lock_guard<std::mutex> lock(tally.mutex);
          if (tally.firstFailure.empty()) {
            tally.firstFailure = "session " + std::to_string(index) + ": " + error.what();
          }
        }
        progress(++tally.done);
      }
      connection->close();
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  tally.next = end;
}

size_t countLines(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// The server's ERROR lines (GStreamer's log format: "... ERROR <category> ...").
std::string errorLines(const std::string& output, size_t from) {
  std::istringstream lines(output.substr(std::min(from, output.size())));
  std::string line;
  std::string errors;
  while (std::getline(lines, line)) {
    if (line.find(" ERROR ") != std::string::npos) {
      errors += line + "\n";
    }
  }
  return errors;
}

int run(const Options& options) {
  Target server(options);
  const pid_t pid = server.pid();
  const Resources idle = resourcesOf(pid);
  std::printf("webrtc churn: %d sessions, %d at a time, %d s of VP8+Opus loopback each%s\n",
              options.sessions, options.parallel, options.seconds,
              options.viewer ? ", with a receive-only viewer" : "");
  std::printf("server idle: %s\n", describe(idle).c_str());
  Tally tally;
  const auto quiet = [](int) {};
  runSessions(server, options.warmup, options, tally, quiet);
  std::this_thread::sleep_for(2s);
  const Resources base = resourcesOf(pid);
  std::printf("after %d warm-up sessions (baseline): %s\n", options.warmup, describe(base).c_str());
  std::fflush(stdout);
  const size_t logStart = server.output().size();
  Resources peak = base;
  std::mutex peakMutex;
  const auto start = Clock::now();
  const int step = std::max(1, options.sessions / 20);
  runSessions(server, options.sessions, options, tally, [&](int done) {
    const Resources now = resourcesOf(pid);
    std::lock_guard<std::mutex> lock(peakMutex);
    peak = {std::max(peak.rssKiB, now.rssKiB), std::max(peak.fds, now.fds),
            std::max(peak.threads, now.threads), std::max(peak.anonKiB, now.anonKiB)};
    if ((done - options.warmup) % step == 0) {
      std::printf("  %5d sessions, %4.0f s: %s\n", done - options.warmup,
                  std::chrono::duration<double>(Clock::now() - start).count(),
                  describe(now).c_str());
      std::fflush(stdout);
    }
  });
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::this_thread::sleep_for(2s);  // as before the baseline
  const Resources end = settle(pid, base, options.tolerance, 20s);
  const std::string output = server.output();
  const std::string errors = errorLines(output, logStart);
  const size_t warnings = countLines(output.substr(std::min(logStart, output.size())), " WARN ");
  const auto percent = [](long now, long was) {
    return was > 0 ? 100.0 * static_cast<double>(now - was) / static_cast<double>(was) : 0.0;
  };
  std::printf("end (all released): %s\n", describe(end).c_str());
  std::printf("peak: %s\n", describe(peak).c_str());
  std::printf(
      "deltas from baseline: RSS %+ld KiB (%+.1f%%; anonymous %+ld KiB), fds %+ld "
      "(%+.1f%%), threads %+ld (%+.1f%%)\n",
      end.rssKiB - base.rssKiB, percent(end.rssKiB, base.rssKiB), end.anonKiB - base.anonKiB,
      end.fds - base.fds, percent(end.fds, base.fds), end.threads - base.threads,
      percent(end.threads, base.threads));
  const int measured = tally.done - options.warmup;
  std::printf(
      "%d sessions in %.0f s (%.2f s each, %d at a time), %.1f frames decoded per "
      "session, %d without media, %d failed, %zu ERROR and %zu WARN lines logged\n",
      measured, elapsed, elapsed * options.parallel / std::max(1, measured), options.parallel,
      static_cast<double>(tally.frames) / std::max(1, static_cast<int>(tally.done)),
      tally.withoutMedia.load(), tally.failed.load(), countLines(errors, "\n"), warnings);
  bool ok = true;
  if (tally.failed > 0) {
    std::printf("FAIL: %d sessions failed; first: %s\n", tally.failed.load(),
                tally.firstFailure.c_str());
    ok = false;
  }
  if (tally.withoutMedia > 0) {
    std::printf("FAIL: %d sessions got no media\n", tally.withoutMedia.load());
    ok = false;
  }
  if (!allWithin(end, base, options.tolerance)) {
    std::printf("FAIL: resources did not come back within %.0f%% of the baseline\n",
                options.tolerance);
    ok = false;
  }
  if (!errors.empty()) {
    std::printf("FAIL: the server logged errors:\n%s", errors.substr(0, 4000).c_str());
    ok = false;
  }
  if (!server.logged()) {
    std::printf("(the log of a server started by hand is not checked)\n");
  }
  std::printf("%s\n", ok ? "churn: OK" : "churn: FAILED");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  namespace po = boost::program_options;
  Options options;
  po::options_description described("webrtc-churn options");
  described.add_options()("help", "this help")(
      "sessions", po::value<int>(&options.sessions)->default_value(2000), "sessions to run")(
      "parallel", po::value<int>(&options.parallel)->default_value(4), "sessions at a time")(
      "seconds", po::value<int>(&options.seconds)->default_value(2), "media per session")(
      "warmup", po::value<int>(&options.warmup)->default_value(100),
      "sessions before the baseline is taken")(
      "tolerance", po::value<double>(&options.tolerance)->default_value(5),
      "allowed growth of RSS, fds and threads, percent")(
      "viewer", po::bool_switch(&options.viewer),
      "each session also has a receive-only viewer of the endpoint")(
      "server-url", po::value<std::string>(&options.serverUrl),
      "use the server listening there instead of starting one (needs --server-pid)")(
      "server-pid", po::value<pid_t>(&options.serverPid),
      "process id of the --server-url server, whose resources are measured");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, described), args);
    po::notify(args);
  } catch (const std::exception& error) {
    std::cerr << "webrtc-churn: " << error.what() << "\n" << described;
    return 2;
  }
  if (args.count("help") != 0) {
    std::cout << described;
    return 0;
  }
  if (options.sessions < 1 || options.parallel < 1 || options.seconds < 0 || options.warmup < 0) {
    std::cerr << "webrtc-churn: --sessions and --parallel must be positive\n";
    return 2;
  }
  if (options.serverUrl.empty() != (options.serverPid <= 0)) {
    std::cerr << "webrtc-churn: --server-url and --server-pid go together\n";
    return 2;
  }
  try {
    return run(options);
  } catch (const std::exception& error) {
    std::cerr << "webrtc-churn: " << error.what() << "\n";
    return 1;
  }
}
