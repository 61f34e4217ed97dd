// What transcoding and mixing cost in the server, measured against bare GStreamer in the same
// run (webrtcbin peers, no browser):
//  (a) one VP8 -> H.264 conversion, in CPU time per frame: the server with an H.264 viewer
//      minus the server with a VP8 viewer (same presenter), against gst-launch-1.0 running
//      vp8dec ! openh264enc on as many frames of the same picture minus the same pipeline
//      without the conversion; then 10 H.264 viewers, to show they share one decoder and one
//      encoder;
//  (b) a Composite of 4 inputs: the server's CPU and the frame rate a viewer of the grid gets.
// Usage: transcode-bench [--seconds 10] [--width 1280 --height 720 --fps 30] [--viewers 10]
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <boost/program_options.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace kc = kurento::client;
using kms::test::WebRtcPeer;
using Clock = std::chrono::steady_clock;

// User + system CPU seconds of a process (and of its waited-for children, for gst-launch).
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

// The share of a core `pid` uses over `seconds`.
double cpuShare(pid_t pid, int seconds) {
  const double start = cpuSeconds(pid);
  const auto begin = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  return (cpuSeconds(pid) - start) / elapsed;
}

// The CPU seconds gst-launch-1.0 takes to run `description` to its end.
double bareCpuSeconds(const std::string& description) {
  const pid_t child = fork();
  if (child == 0) {
    execl("/bin/sh", "sh", "-c", ("exec gst-launch-1.0 -q " + description + " >/dev/null").c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  wait4(child, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("gst-launch-1.0 failed: " + description);
  }
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// `frames` frames of the presenter's picture, VP8-encoded as fast as they come.
std::string vp8Frames(const WebRtcPeer::Video& video, int frames) {
  return "videotestsrc num-buffers=" + std::to_string(frames) + " pattern=ball ! video/x-raw,width=" +
         std::to_string(video.width) + ",height=" + std::to_string(video.height) +
         ",framerate=" + std::to_string(video.fps) + "/1 ! videoconvert ! "
         "vp8enc deadline=1 keyframe-max-dist=30";
}

struct Load {
  double share = 0;         // of a core
  double framesPerSecond = 0;  // reaching the first viewer
};

// Server CPU with a VP8 presenter and `viewers` viewers taking `codec`.
Load serverLoad(const kms::test::TestServer& server, const WebRtcPeer::Video& video,
                   const std::string& codec, int viewers, int seconds, bool* transcoding) {
  auto connection = kms::client::Connection::connect(server.url());
  auto pipeline = kc::MediaPipeline::create(connection);
  auto presenterEndpoint = kc::WebRtcEndpoint::create(connection, pipeline);
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly, "VP8", video);
  presenter.offerTo(presenterEndpoint);
  WebRtcPeer::Video counting = video;
  counting.decode = false;
  std::vector<std::unique_ptr<WebRtcPeer>> peers;
  for (int i = 0; i < viewers; ++i) {
    auto endpoint = kc::WebRtcEndpoint::create(connection, pipeline);
    presenterEndpoint->connect(endpoint);
    peers.push_back(std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kRecvOnly, codec, counting));
    peers.back()->offerTo(endpoint);
  }
  for (const auto& peer : peers) {
    if (!peer->waitForFrames(10, std::chrono::seconds(30))) {
      throw std::runtime_error("a " + codec + " viewer received nothing");
    }
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  Load load;
  const uint64_t framesBefore = peers.front()->framesDecoded();
  const auto begin = Clock::now();
  load.share = cpuShare(server.pid(), seconds);
  load.framesPerSecond = static_cast<double>(peers.front()->framesDecoded() - framesBefore) /
                         std::chrono::duration<double>(Clock::now() - begin).count();
  *transcoding = presenterEndpoint->isMediaTranscoding(kc::MediaType::VIDEO);
  peers.clear();
  pipeline->release();
  connection->close();
  return load;
}

void transcodeFigures(const kms::test::TestServer& server, const WebRtcPeer::Video& video,
                      int seconds, int manyViewers) {
  bool transcoding = false;
  const Load forwarding = serverLoad(server, video, "VP8", 1, seconds, &transcoding);
  const Load converting = serverLoad(server, video, "H264", 1, seconds, &transcoding);
  const bool reported = transcoding;
  // ms of CPU per frame the server spends on the conversion
  const double serverMs = 1000.0 * (converting.share / converting.framesPerSecond -
                                    forwarding.share / forwarding.framesPerSecond);
  const int frames = video.fps * seconds;
  const double bareBase = bareCpuSeconds(vp8Frames(video, frames) + " ! fakesink sync=false");
  const double bareConverting = bareCpuSeconds(
      vp8Frames(video, frames) +
      " ! vp8dec ! videoconvert ! openh264enc complexity=low rate-control=bitrate "
      "bitrate=300000 ! h264parse ! fakesink sync=false");
  const double bareMs = 1000.0 * (bareConverting - bareBase) / frames;
  std::printf("(a) VP8 -> H.264 %dx%d@%d: server %.1f%% of a core at %.1f frames/s with 1 H.264 "
              "viewer, %.1f%% at %.1f frames/s with 1 VP8 viewer: the conversion costs %.2f ms "
              "of CPU per frame; bare gst-launch vp8dec ! openh264enc %.2f ms per frame: ratio "
              "%.2f (transcoding reported: %s)\n",
              video.width, video.height, video.fps, 100 * converting.share,
              converting.framesPerSecond, 100 * forwarding.share, forwarding.framesPerSecond,
              serverMs, bareMs, bareMs > 0 ? serverMs / bareMs : 0.0, reported ? "yes" : "NO");
  const Load many = serverLoad(server, video, "H264", manyViewers, seconds, &transcoding);
  std::printf("    %d H.264 viewers: server %.1f%% of a core (1 viewer: %.1f%%; they share one "
              "decoder and one encoder)\n",
              manyViewers, 100 * many.share, 100 * converting.share);
  std::fflush(stdout);
}

void compositeFigures(const kms::test::TestServer& server, int seconds) {
  auto connection = kms::client::Connection::connect(server.url());
  auto pipeline = kc::MediaPipeline::create(connection);
  auto composite = kc::Composite::create(connection, pipeline, 1280, 720, 25);
  WebRtcPeer::Video input;
  input.width = 640;
  input.height = 480;
  input.fps = 25;
  std::vector<std::unique_ptr<WebRtcPeer>> peers;
  std::shared_ptr<kc::HubPort> viewerPort;
  for (int i = 0; i < 4; ++i) {
    auto endpoint = kc::WebRtcEndpoint::create(connection, pipeline);
    auto port = kc::HubPort::create(connection, composite);
    endpoint->connect(port);
    peers.push_back(std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kSendOnly, "VP8", input));
    peers.back()->offerTo(endpoint);
    viewerPort = port;
  }
  auto viewerEndpoint = kc::WebRtcEndpoint::create(connection, pipeline);
  viewerPort->connect(viewerEndpoint);
  WebRtcPeer::Video counting;
  counting.decode = false;
  WebRtcPeer viewer(WebRtcPeer::Direction::kRecvOnly, "VP8", counting);
  viewer.offerTo(viewerEndpoint);
  if (!viewer.waitForFrames(10, std::chrono::seconds(30))) {
    throw std::runtime_error("the composite's viewer received nothing");
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const uint64_t framesBefore = viewer.framesDecoded();
  const auto begin = Clock::now();
  const double share = cpuShare(server.pid(), seconds);
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  const double fps = static_cast<double>(viewer.framesDecoded() - framesBefore) / elapsed;
  std::printf("(b) Composite 1280x720@25 of 4 VP8 640x480@25 inputs, 1 VP8 viewer: server %.1f%% "
              "of a core, viewer receives %.1f frames/s\n",
              100 * share, fps);
  std::fflush(stdout);
  pipeline->release();
  connection->close();
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  namespace po = boost::program_options;
  po::options_description options("transcode-bench options");
  options.add_options()("help", "this help")(
      "seconds", po::value<int>()->default_value(10), "measuring time per figure")(
      "width", po::value<int>()->default_value(1280), "presenter video width")(
      "height", po::value<int>()->default_value(720), "presenter video height")(
      "fps", po::value<int>()->default_value(30), "presenter frame rate")(
      "viewers", po::value<int>()->default_value(10), "H.264 viewers sharing one encoder")(
      "skip-composite", "only the transcoding figures");
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
    transcodeFigures(server, video, args["seconds"].as<int>(), args["viewers"].as<int>());
    if (args.count("skip-composite") == 0) {
      compositeFigures(server, args["seconds"].as<int>());
    }
  } catch (const std::exception& error) {
    std::cerr << "transcode-bench: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
