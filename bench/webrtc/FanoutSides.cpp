#include "FanoutSides.hpp"

#include "BenchPorts.hpp"
#include "ProcessUsage.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>

namespace kms::bench {

namespace kc = kurento::client;
using test::WebRtcPeer;
using Clock = std::chrono::steady_clock;

namespace {

int64_t nowNs() { return Clock::now().time_since_epoch().count(); }

// Moving bars keep a VP8 encoder busy enough to reach ~1 Mbps at 640x480@30.
std::string sourceDescription(const SourceFormat& format, const std::vector<int>& ports) {
  std::string clients;
  for (int port : ports) {
    clients += (clients.empty() ? "" : ",") + std::string("127.0.0.1:") + std::to_string(port);
  }
  return "videotestsrc is-live=true pattern=smpte horizontal-speed=4 ! video/x-raw,width=" +
         std::to_string(format.width) + ",height=" + std::to_string(format.height) +
         ",framerate=" + std::to_string(format.fps) +
         "/1 ! vp8enc name=encoder deadline=1 end-usage=cbr cpu-used=8 keyframe-max-dist=" +
         std::to_string(format.fps) +
         " target-bitrate=" + std::to_string(format.bitrateKbps * 1000) +
         " ! rtpvp8pay name=payloader pt=96 mtu=1200 ! multiudpsink name=out sync=false clients=" +
         clients;
}

}  // namespace

RtpSource::RtpSource(const SourceFormat& format, const std::vector<int>& ports) {
  GError* error = nullptr;
  pipeline_ = gst_parse_launch(sourceDescription(format, ports).c_str(), &error);
  if (pipeline_ == nullptr || error != nullptr) {
    if (pipeline_ != nullptr) {
      gst_object_unref(pipeline_);
    }
    const std::string reason = error != nullptr ? error->message : "?";
    g_clear_error(&error);
    throw std::runtime_error("cannot build the RTP source: " + reason);
  }
  GstElement* payloader = gst_bin_get_by_name(GST_BIN(pipeline_), "payloader");
  GstPad* sink = gst_element_get_static_pad(payloader, "sink");
  gst_pad_add_probe(
      sink, GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo*, gpointer data) {
        ++static_cast<RtpSource*>(data)->frames_;
        return GST_PAD_PROBE_OK;
      },
      this, nullptr);
  gst_object_unref(sink);
  GstPad* src = gst_element_get_static_pad(payloader, "src");
  gst_pad_add_probe(
      src, static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
      [](GstPad*, GstPadProbeInfo* info, gpointer data) {
        auto* self = static_cast<RtpSource*>(data);
        if ((info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) != 0) {
          self->bytes_ += gst_buffer_list_calculate_size(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
        } else {
          self->bytes_ += gst_buffer_get_size(GST_PAD_PROBE_INFO_BUFFER(info));
        }
        return GST_PAD_PROBE_OK;
      },
      this, nullptr);
  gst_object_unref(src);
  gst_object_unref(payloader);
  startNs_ = nowNs();
  gst_element_set_state(pipeline_, GST_STATE_PLAYING);
}

RtpSource::~RtpSource() {
  gst_element_set_state(pipeline_, GST_STATE_NULL);
  gst_object_unref(pipeline_);
}

double RtpSource::kbps() const {
  const double seconds = static_cast<double>(nowNs() - startNs_) / 1e9;
  return seconds > 0 ? 8.0 * static_cast<double>(bytes_) / seconds / 1000.0 : 0.0;
}

Measure FanoutSide::measure(int viewers, int seconds, const RtpSource& source, bool byThread,
                            int holdSeconds) {
  WebRtcPeer::Video counting;
  counting.decode = false;  // frames are counted after depayloading: only the server works
  // Viewers on 127.0.0.1 only got no video from Janus (its ice_enforce_list is "lo", yet its
  // calls ran over eth0's link-local IPv6 address): the viewers of both servers use libnice's
  // own choice of interfaces, and so does our server (OurFanout).
  counting.loopbackOnly = false;
  std::vector<std::unique_ptr<WebRtcPeer>> peers;
  for (int i = 0; i < viewers; ++i) {
    peers.push_back(
        std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kRecvOnly, "VP8", counting));
    addViewer(*peers.back());
  }
  for (const auto& peer : peers) {
    if (!peer->waitForFrames(10, std::chrono::seconds(30))) {
      std::fprintf(stderr, "a viewer got no video in 30 s\n");
    }
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the joins' own work settles
  std::vector<uint64_t> before;
  for (const auto& peer : peers) {
    before.push_back(peer->framesDecoded());
  }
  const uint64_t sourceBefore = source.frames();
  const double cpuBefore = cpuSeconds(pid());
  const auto threadsBefore =
      byThread ? threadCpuSeconds(pid()) : std::map<std::string, ThreadGroup>();
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double cpu = cpuSeconds(pid()) - cpuBefore;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  Measure result;
  if (byThread) {
    for (const auto& [name, group] : threadCpuSeconds(pid())) {
      const auto before = threadsBefore.find(name);
      const double earlier = before != threadsBefore.end() ? before->second.cpuSeconds : 0.0;
      result.threadGroups[name] = {100.0 * (group.cpuSeconds - earlier) / elapsed, group.threads};
    }
  }
  const ProcessUsage usage = processUsage(pid());
  result.cpuPercent = 100.0 * cpu / elapsed;
  result.rssKiB = usage.rssKiB;
  result.threads = usage.threads;
  result.fds = usage.fds;
  result.sourceFps = static_cast<double>(source.frames() - sourceBefore) / elapsed;
  result.minFps = peers.empty() ? result.sourceFps : 1e9;
  for (size_t i = 0; i < peers.size(); ++i) {
    const double fps = static_cast<double>(peers[i]->framesDecoded() - before[i]) / elapsed;
    result.minFps = std::min(result.minFps, fps);
  }
  std::this_thread::sleep_for(std::chrono::seconds(holdSeconds));
  peers.clear();
  removeViewers();
  return result;
}

// Our WebRtcEndpoints gather on every interface, as the viewers and Janus do. On the loopback
// only (the tests' setting) the viewers' UDP checks to 127.0.0.1 and ::1 left through eth0 and
// were lost: every viewer ended on an ICE-TCP pair, and the bench compared our TCP with
// Janus's UDP.
OurFanout::OurFanout() : server_("") {
  connection_ = kms::client::Connection::connect(server_.url());
  pipeline_ = kc::MediaPipeline::create(connection_);
  source_ = kc::RtpEndpoint::create(connection_, pipeline_);
  const std::string offer =
      "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=fanout source\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=video " +
      std::to_string(freeUdpPortPair()) + " RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\na=sendonly\r\n";
  const std::string answer = source_->processOffer(offer);
  std::smatch port;
  if (!std::regex_search(answer, port, std::regex("m=video ([0-9]+) "))) {
    throw std::runtime_error("the RtpEndpoint's answer has no video port: " + answer);
  }
  rtpPort_ = std::stoi(port[1]);
}

OurFanout::~OurFanout() {
  try {
    pipeline_->release();
    connection_->close();
  } catch (const std::exception&) {
    // the server is going away with the bench
  }
}

void OurFanout::addViewer(WebRtcPeer& peer) {
  endpoints_.push_back(kc::WebRtcEndpoint::create(connection_, pipeline_));
  source_->connect(endpoints_.back());
  peer.offerTo(endpoints_.back());
}

void OurFanout::removeViewers() {
  for (const auto& endpoint : endpoints_) {
    endpoint->release();
  }
  endpoints_.clear();
}

JanusFanout::JanusFanout()
    : rtpPort_(freeUdpPortPair()), server_(std::make_unique<JanusServer>(rtpPort_)) {}

void JanusFanout::addViewer(WebRtcPeer& peer) {
  sessions_.push_back(std::make_unique<JanusViewerSession>(server_->httpPort()));
  JanusViewerSession* session = sessions_.back().get();
  auto completed = std::make_shared<std::atomic<bool>>(false);
  const std::string answer = peer.answerOffer(
      session->watch(1), [session, completed](guint mline, const std::string& candidate) {
        if (candidate.empty() && completed->exchange(true)) {
          return;  // gathering's end is told once
        }
        try {
          session->trickle(mline, candidate);
        } catch (const std::exception& error) {
          std::fprintf(stderr, "trickle to janus: %s\n", error.what());
        }
      });
  session->start(answer);
}

void JanusFanout::removeViewers() { sessions_.clear(); }

int holdOurs(const SourceFormat& format, int viewers, int seconds, int holdSeconds) {
  try {
    OurFanout ours;
    RtpSource source(format, {ours.rtpPort()});
    std::printf("our server: pid %d; %d viewers join, then %d s measured, %d s held\n",
                static_cast<int>(ours.pid()), viewers, seconds, holdSeconds);
    std::fflush(stdout);
    const Measure row = ours.measure(viewers, seconds, source, true, holdSeconds);
    std::printf("%d viewers: %.1f%% CPU, RSS %.0f MB, %d threads, %d fds, min %.1f frames/s\n",
                viewers, row.cpuPercent, row.rssKiB / 1024.0, row.threads, row.fds, row.minFps);
    for (const auto& [name, group] : row.threadGroups) {
      std::printf("  %-20s %5.1f%% x%d\n", name.c_str(), group.cpuPercent, group.count);
    }
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fanout-bench: %s\n", error.what());
    return 1;
  }
}

}  // namespace kms::bench
