// WebRtcEndpoint forwarding with GStreamer webrtcbin peers (no browser): one presenter sends
// live VP8 to N viewers through the server (N = --viewers, e.g. 1,5,10,20). For each N it
// reports the server's CPU, its time per forwarded video frame, its memory per endpoint, the
// presenter's processOffer time, how soon a joining viewer gets its first keyframe (the
// presenter makes them only on request) and whether the server transcoded.
// Usage: webrtc-peer-bench [--viewers 1,5,10,20] [--seconds 10] [--width 640 --height 480 --fps 30]
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <boost/program_options.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace kc = kurento::client;
using kms::test::WebRtcPeer;
using Clock = std::chrono::steady_clock;

// User + system CPU seconds of a process.
double cpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
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

long rssKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return 0;
}

std::vector<int> parseList(const std::string& text) {
  std::vector<int> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    values.push_back(std::stoi(item));
  }
  return values;
}

uint64_t totalFrames(const std::vector<std::unique_ptr<WebRtcPeer>>& viewers) {
  uint64_t frames = 0;
  for (const auto& viewer : viewers) {
    frames += viewer->framesDecoded();
  }
  return frames;
}

void runOnce(const kms::test::TestServer& server, int viewerCount, int seconds,
             const WebRtcPeer::Video& video) {
  auto connection = kms::client::Connection::connect(server.url());
  auto pipeline = kc::MediaPipeline::create(connection);
  const long rssBefore = rssKiB(server.pid());
  auto presenterEndpoint = kc::WebRtcEndpoint::create(connection, pipeline);
  WebRtcPeer::Video presenterVideo = video;
  presenterVideo.keyframeInterval = 100000;
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly, "VP8", presenterVideo);
  const auto offerStart = Clock::now();
  presenter.offerTo(presenterEndpoint);
  const double setupMs =
      std::chrono::duration<double, std::milli>(Clock::now() - offerStart).count();

  WebRtcPeer::Video counting = video;
  counting.decode = false;  // the bench process counts frames; only the server works on them
  std::vector<std::shared_ptr<kc::WebRtcEndpoint>> endpoints;
  std::vector<std::unique_ptr<WebRtcPeer>> viewers;
  std::vector<Clock::time_point> joined;
  for (int i = 0; i < viewerCount; ++i) {
    endpoints.push_back(kc::WebRtcEndpoint::create(connection, pipeline));
    presenterEndpoint->connect(endpoints.back());
    viewers.push_back(std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kRecvOnly, "VP8", counting));
    joined.push_back(Clock::now());
    viewers.back()->offerTo(endpoints.back());
  }
  // The presenter makes keyframes only on request: a viewer's first keyframe is the answer to
  // its keyframe request (PLI) through the server. Timed from the viewer's offer, so it
  // includes ICE and DTLS.
  std::vector<double> firstKeyframeMs;
  for (size_t i = 0; i < viewers.size(); ++i) {
    if (!viewers[i]->waitForFrames(10, std::chrono::seconds(30)) ||
        viewers[i]->firstKeyframeAt() == Clock::time_point()) {
      std::cerr << "a viewer got no keyframe in 30 s\n";
      continue;
    }
    firstKeyframeMs.push_back(
        std::chrono::duration<double, std::milli>(viewers[i]->firstKeyframeAt() - joined[i]).count());
  }
  std::sort(firstKeyframeMs.begin(), firstKeyframeMs.end());
  const long rssAfter = rssKiB(server.pid());
  const double cpuStart = cpuSeconds(server.pid());
  const uint64_t framesStart = totalFrames(viewers);
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpuSeconds(server.pid()) - cpuStart;
  const uint64_t frames = totalFrames(viewers) - framesStart;
  bool transcoding = presenterEndpoint->isMediaTranscoding(kc::MediaType::VIDEO);
  for (const auto& endpoint : endpoints) {
    transcoding = transcoding || endpoint->isMediaTranscoding(kc::MediaType::VIDEO);
  }
  std::printf("%3d viewers: server CPU %5.1f%% of a core, %6.0f frames/s forwarded, "
              "%.3f ms server time per forwarded frame, %5.0f KiB per endpoint, "
              "presenter processOffer+setup %.1f ms, viewer offer -> first keyframe median "
              "%.0f ms (max %.0f), transcoding %s\n",
              viewerCount, 100.0 * cpu / elapsed, frames / elapsed,
              frames > 0 ? 1000.0 * cpu / static_cast<double>(frames) : 0.0,
              static_cast<double>(rssAfter - rssBefore) / (viewerCount + 1), setupMs,
              firstKeyframeMs.empty() ? 0.0 : firstKeyframeMs[firstKeyframeMs.size() / 2],
              firstKeyframeMs.empty() ? 0.0 : firstKeyframeMs.back(), transcoding ? "YES" : "no");
  std::fflush(stdout);
  viewers.clear();
  pipeline->release();
  connection->close();
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  namespace po = boost::program_options;
  po::options_description options("webrtc-peer-bench options");
  options.add_options()("help", "this help")(
      "viewers", po::value<std::string>()->default_value("1,5,10,20"), "viewer counts")(
      "seconds", po::value<int>()->default_value(10), "measuring time per count")(
      "width", po::value<int>()->default_value(640), "video width")(
      "height", po::value<int>()->default_value(480), "video height")(
      "fps", po::value<int>()->default_value(30), "video frame rate");
  po::variables_map args;
  po::store(po::parse_command_line(argc, argv, options), args);
  if (args.count("help") != 0) {
    std::cout << options;
    return 0;
  }
  WebRtcPeer::Video video;
  video.width = args["width"].as<int>();
  video.height = args["height"].as<int>();
  video.fps = args["fps"].as<int>();
  try {
    kms::test::TestServer server;
    std::printf("webrtcbin peers, VP8 %dx%d@%d, presenter -> N viewers, %d s each\n", video.width,
                video.height, video.fps, args["seconds"].as<int>());
    for (int count : parseList(args["viewers"].as<std::string>())) {
      runOnce(server, count, args["seconds"].as<int>(), video);
    }
  } catch (const std::exception& error) {
    std::cerr << "webrtc-peer-bench: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
