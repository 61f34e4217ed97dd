// Hostile media during a call: random, truncated and garbage RTP/RTCP/STUN/DTLS packets sprayed
// at the ports of an RtpEndpoint (plus packets of the real sender replayed, duplicated and cut
// from the sender's own address) and of a WebRtcEndpoint (every candidate it announced). The
// server must not crash and the calls keep flowing: frames keep arriving at the real receiver.
// And a stream no decoder can decode, transcoded for an H.264 sink or decoded for a Composite:
// an Error event on its pipeline, while a call in another pipeline goes on.
#include "HostilePackets.hpp"
#include "RtpFrames.hpp"
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <gio/gio.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace {

using kms::client::Connection;
using kms::test::Packet;
using kms::test::Sprayer;
using kms::test::WebRtcPeer;
namespace kc = kurento::client;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kSpray = 8s;
constexpr int kPacketsPerSecond = 3000;

using kms::test::boundUdpSocket;

// Decodes the VP8 the RtpEndpoint sends back and counts the frames.
class RtpReceiver : public kms::test::RtpFrameReceiver {
 public:
  RtpReceiver()
      : RtpFrameReceiver(
            "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000",
            "rtpvp8depay ! vp8dec") {}
};

// Encodes live VP8 and sends it from a socket of its own; while `hostile`, it also replays old
// packets, duplicates and truncates current ones, from that same (the accepted) address.
class RtpSender {
 public:
  explicit RtpSender(int& port) {
    fd_ = boundUdpSocket(port);
    pipeline_ = kms::test::launchPipeline(
        "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,"
        "framerate=15/1 ! vp8enc deadline=1 keyframe-max-dist=15 ! rtpvp8pay pt=96 ! "
        "appsink name=out sync=false max-buffers=50 drop=true");
    sink_ = gst_bin_get_by_name(GST_BIN(pipeline_), "out");
    gst_element_set_state(pipeline_, GST_STATE_PLAYING);
  }
  ~RtpSender() {
    stop();
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(sink_);
    gst_object_unref(pipeline_);
    ::close(fd_);
  }
  int targetPort() const { return ntohs(target_.sin_port); }
  void start(int port) {
    target_ = kms::test::loopbackAddress(port);
    thread_ = std::thread([this] { run(); });
  }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  std::atomic<bool> hostile{false};
  std::atomic<bool> corrupt{false};  // every VP8 frame claims a first partition it lacks
  uint64_t replayed() const { return replayed_; }

 private:
  void send(const Packet& packet) {
    ::sendto(fd_, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&target_),
             sizeof(target_));
  }
  void run() {
    std::mt19937 random(7);
    std::deque<Packet> recent;
    while (!stopping_) {
      GstSample* sample = nullptr;
      g_signal_emit_by_name(sink_, "try-pull-sample", static_cast<GstClockTime>(100 * GST_MSECOND),
                            &sample);
      if (sample == nullptr) {
        continue;
      }
      GstMapInfo map;
      GstBuffer* buffer = gst_sample_get_buffer(sample);
      gst_buffer_map(buffer, &map, GST_MAP_READ);
      Packet packet(map.data, map.data + map.size);
      gst_buffer_unmap(buffer, &map);
      gst_sample_unref(sample);
      if (corrupt) {
        corruptPartitionSize(packet);
      }
      send(packet);
      if (hostile) {
        sendHostile(packet, recent, random);
      }
      recent.push_back(std::move(packet));
      if (recent.size() > 300) {
        recent.pop_front();
      }
    }
  }
  void sendHostile(const Packet& packet, const std::deque<Packet>& recent, std::mt19937& random) {
    for (int i = 0; i < 3 && !recent.empty(); ++i) {
      send(recent[random() % recent.size()]);  // replayed: old sequence numbers and timestamps
      ++replayed_;
    }
    send(packet);  // duplicated
    Packet cut(packet.begin(), packet.begin() + static_cast<long>(random() % packet.size()));
    send(cut);  // truncated
    send(kms::test::hostilePacket(kms::test::HostileKind::kRtcp, random));
  }

  // The first packet of a VP8 frame (RFC 7741 descriptor, then the frame tag): its 19-bit
  // first partition size is set past the end of the frame, which no decoder can decode.
  static void corruptPartitionSize(Packet& packet) {
    size_t at = 12 + 4 * static_cast<size_t>(packet.size() > 0 ? packet[0] & 0x0f : 0);
    if (packet.size() < at + 6 || (packet[at] & 0x10) == 0 || (packet[at] & 0x07) != 0) {
      return;  // not the start of a frame
    }
    const uint8_t first = packet[at++];
    if ((first & 0x80) != 0) {  // extensions: I (picture id), L, T/K
      const uint8_t flags = packet[at++];
      if ((flags & 0x80) != 0) {
        at += (packet[at] & 0x80) != 0 ? 2 : 1;
      }
      at += (flags & 0x40) != 0 ? 1 : 0;
      at += (flags & 0x30) != 0 ? 1 : 0;
    }
    if (packet.size() < at + 3) {
      return;
    }
    packet[at] |= 0xe0;
    packet[at + 1] = 0xff;
    packet[at + 2] = 0xff;
  }

  int fd_ = -1;
  sockaddr_in target_{};
  GstElement* pipeline_ = nullptr;
  GstElement* sink_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> replayed_{0};
  std::thread thread_;
};

int answeredPort(const std::string& sdp) {
  std::smatch match;
  if (!std::regex_search(sdp, match, std::regex("m=video (\\d+) "))) {
    throw std::runtime_error("no video port in the answer:\n" + sdp);
  }
  return std::stoi(match[1]);
}

class HostileMediaTest : public testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<kms::test::TestServer>(); }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    connection_ = Connection::connect(server_->url());
    pipeline_ = kc::MediaPipeline::create(connection_);
    pipeline_->subscribeError([this](const kc::ErrorEvent& e) {
      std::lock_guard<std::mutex> lock(mutex_);
      errors_ += e.description + "\n";
    });
  }
  void TearDown() override {
    pipeline_->release();
    connection_->close();
    EXPECT_EQ(::kill(server_->pid(), 0), 0) << "the server is gone";
    if (HasFailure()) {
      std::cerr << "server output:\n" << server_->output().substr(0, 20000);
    }
  }
  // Frames counted by `frames` during `duration`, sampled while the spray runs.
  template <class Frames>
  uint64_t framesDuring(Frames frames, std::chrono::seconds duration) {
    const uint64_t before = frames();
    std::this_thread::sleep_for(duration);
    return frames() - before;
  }
  std::string errors() {
    std::lock_guard<std::mutex> lock(mutex_);
    return errors_;
  }
  void expectErrorOnItsPipelineOnly(
      const std::function<void(const std::shared_ptr<kc::RtpEndpoint>&)>& connectSink);

  static std::unique_ptr<kms::test::TestServer> server_;
  std::shared_ptr<Connection> connection_;
  std::shared_ptr<kc::MediaPipeline> pipeline_;
  std::mutex mutex_;
  std::string errors_;
};

std::unique_ptr<kms::test::TestServer> HostileMediaTest::server_;

// A looped-back RtpEndpoint call in a pipeline of its own, fed by `sender`, to `receiver`.
std::shared_ptr<kc::RtpEndpoint> loopback(const std::shared_ptr<Connection>& connection,
                                          const std::shared_ptr<kc::MediaPipeline>& pipeline,
                                          RtpSender& sender, const RtpReceiver& receiver) {
  auto endpoint = kc::RtpEndpoint::create(connection, pipeline);
  endpoint->connect(endpoint);
  const std::string offer =
      "v=0\r\no=- 1 0 IN IP4 127.0.0.1\r\ns=call\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=video " +
      std::to_string(receiver.port()) +
      " RTP/AVP 96\r\n"
      "a=rtpmap:96 VP8/90000\r\na=sendrecv\r\n";
  sender.start(answeredPort(endpoint->processOffer(offer)));
  return endpoint;
}

TEST_F(HostileMediaTest, RtpEndpointKeepsForwardingUnderSprayAndReplay) {
  RtpReceiver receiver;
  int senderPort = 0;
  RtpSender sender(senderPort);
  auto endpoint = loopback(connection_, pipeline_, sender, receiver);
  const int port = sender.targetPort();
  const auto until = Clock::now() + 15s;
  while (receiver.frames() < 15 && Clock::now() < until) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_GE(receiver.frames(), 15u) << "no media before the spray";
  sender.hostile = true;
  Sprayer sprayer({kms::test::loopbackAddress(port), kms::test::loopbackAddress(port + 1)},
                  kPacketsPerSecond);
  const uint64_t during = framesDuring([&] { return receiver.frames(); }, kSpray);
  sprayer.stop();
  sender.hostile = false;
  std::cout << "RtpEndpoint: " << sprayer.sent() << " hostile packets and " << sender.replayed()
            << " replayed ones in " << kSpray.count() << " s; " << during
            << " frames reached the receiver meanwhile\n";
  EXPECT_GE(during, static_cast<uint64_t>(15 * kSpray.count() / 2)) << "the call stalled";
  const uint64_t after = framesDuring([&] { return receiver.frames(); }, 2s);
  EXPECT_GE(after, 10u) << "the call stopped after the spray";
  EXPECT_EQ(endpoint->getName(), endpoint->getName());  // the server still answers
  EXPECT_EQ(errors(), "");
}

// A VP8 stream whose frames cannot be decoded, from an RtpEndpoint to the sink that
// `connectSink` connects it to, which makes the server decode it: an Error event on that
// pipeline, naming the decoder; a call in another pipeline goes on.
void HostileMediaTest::expectErrorOnItsPipelineOnly(
    const std::function<void(const std::shared_ptr<kc::RtpEndpoint>&)>& connectSink) {
  auto healthyPipeline = kc::MediaPipeline::create(connection_);
  std::atomic<int> healthyErrors{0};
  healthyPipeline->subscribeError([&](const kc::ErrorEvent&) { ++healthyErrors; });
  RtpReceiver healthyReceiver;
  int healthyPort = 0;
  RtpSender healthySender(healthyPort);
  loopback(connection_, healthyPipeline, healthySender, healthyReceiver);

  int corruptPort = 0;
  RtpSender corruptSender(corruptPort);
  corruptSender.corrupt = true;
  auto source = kc::RtpEndpoint::create(connection_, pipeline_);
  const int port = answeredPort(source->processOffer(
      "v=0\r\no=- 1 0 IN IP4 127.0.0.1\r\ns=corrupt\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=video " +
      std::to_string(corruptPort) +
      " RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"
      "a=sendonly\r\n"));
  connectSink(source);
  corruptSender.start(port);
  const auto until = Clock::now() + 30s;
  while (errors().empty() && Clock::now() < until) {
    std::this_thread::sleep_for(100ms);
  }
  std::cout << "Error event on the corrupt stream's pipeline: " << errors();
  EXPECT_NE(errors().find("vp8dec"), std::string::npos)
      << "no decoder's Error event for an undecodable stream: " << errors();
  const uint64_t healthy = framesDuring([&] { return healthyReceiver.frames(); }, 3s);
  EXPECT_GE(healthy, 20u) << "the other pipeline's call stalled";
  EXPECT_EQ(healthyErrors, 0);
  healthyPipeline->release();
  errors_.clear();  // expected on this pipeline
}

TEST_F(HostileMediaTest, CorruptStreamIntoADecoderRaisesErrorOnItsPipelineOnly) {
  int sinkPort = 0;
  const int sinkFd = boundUdpSocket(sinkPort);
  expectErrorOnItsPipelineOnly([&](const std::shared_ptr<kc::RtpEndpoint>& source) {
    auto h264 = kc::RtpEndpoint::create(connection_, pipeline_);
    h264->processOffer(
        "v=0\r\no=- 1 0 IN IP4 127.0.0.1\r\ns=h264\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        "m=video " +
        std::to_string(sinkPort) +
        " RTP/AVP 103\r\na=rtpmap:103 H264/90000\r\n"
        "a=fmtp:103 packetization-mode=1;profile-level-id=42e01f\r\na=recvonly\r\n");
    source->connect(h264);
  });
  ::close(sinkFd);
}

// The decoder of the source's shared format adaptation (a Composite's port takes raw video).
TEST_F(HostileMediaTest, CorruptStreamIntoTheSharedDecoderRaisesErrorOnItsPipelineOnly) {
  expectErrorOnItsPipelineOnly([&](const std::shared_ptr<kc::RtpEndpoint>& source) {
    auto composite = kc::Composite::create(connection_, pipeline_);
    auto port = kc::HubPort::create(connection_, composite);
    source->connect(port, kc::MediaType::VIDEO);
  });
}

std::vector<sockaddr_in> udpCandidates(const std::vector<std::string>& candidates) {
  std::vector<sockaddr_in> targets;
  const std::regex udp("candidate:\\S+ \\d+ udp \\d+ (127\\.0\\.0\\.1|[0-9.]+) (\\d+) typ",
                       std::regex::icase);
  for (const std::string& candidate : candidates) {
    std::smatch match;
    if (std::regex_search(candidate, match, udp)) {
      sockaddr_in address = kms::test::loopbackAddress(std::stoi(match[2]));
      ::inet_pton(AF_INET, match[1].str().c_str(), &address.sin_addr);
      targets.push_back(address);
    }
  }
  return targets;
}

TEST_F(HostileMediaTest, WebRtcEndpointKeepsFlowingUnderSpray) {
  auto endpoint = kc::WebRtcEndpoint::create(connection_, pipeline_);
  endpoint->connect(endpoint);
  std::mutex mutex;
  std::vector<std::string> candidates;
  endpoint->subscribeIceCandidateFound([&](const kc::IceCandidateFoundEvent& event) {
    std::lock_guard<std::mutex> lock(mutex);
    candidates.push_back(event.candidate->candidate);
  });
  WebRtcPeer peer(WebRtcPeer::Direction::kSendRecv);
  peer.offerTo(endpoint);
  ASSERT_TRUE(peer.waitForFrames(20, 20s)) << peer.framesDecoded();
  std::vector<sockaddr_in> targets;
  {
    std::lock_guard<std::mutex> lock(mutex);
    targets = udpCandidates(candidates);
  }
  ASSERT_FALSE(targets.empty()) << "no UDP candidate announced";
  Sprayer sprayer(targets, kPacketsPerSecond);
  const uint64_t during = framesDuring([&] { return peer.framesDecoded(); }, kSpray);
  sprayer.stop();
  std::cout << "WebRtcEndpoint: " << sprayer.sent() << " hostile packets at " << targets.size()
            << " candidate ports in " << kSpray.count() << " s; " << during
            << " frames reached the peer meanwhile\n";
  EXPECT_GE(during, static_cast<uint64_t>(15 * kSpray.count() / 2)) << "the call stalled";
  EXPECT_TRUE(peer.waitForFrames(peer.framesDecoded() + 10, 5s)) << "the call stopped";
  EXPECT_EQ(endpoint->getICECandidatePairs().size(), 1u);
  EXPECT_EQ(errors(), "");
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
