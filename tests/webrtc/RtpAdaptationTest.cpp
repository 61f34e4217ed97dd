// RtpEndpoints on the source's shared format adaptation (modules/core/src/FormatAdapter): a
// VP8 RTP sender into one RtpEndpoint, several RtpEndpoints that agreed on H.264 with their
// receivers. One decoder and one H.264 encoder at the source serve them all, none in the
// sinks; the source raises MediaTranscodingStateChanged and isMediaTranscoding agrees; the
// receivers decode H.264 frames.
#include "RtpFrames.hpp"
#include "TestServer.hpp"

#include <gio/gio.h>
#include <gst/gst.h>
#include <gtest/gtest.h>
#include <elementsClient.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using kms::client::Connection;
namespace kc = kurento::client;
using namespace std::chrono_literals;

size_t countOf(const std::string& dot, const std::string& type) {
  const std::string label = type + "\\n";  // each element's label starts with its type
  size_t count = 0;
  for (size_t at = dot.find(label); at != std::string::npos; at = dot.find(label, at + 1)) {
    ++count;
  }
  return count;
}

using kms::test::boundUdpSocket;

// Receives H.264 RTP on a socket of its own and counts the frames its decoder produces.
class H264Receiver : public kms::test::RtpFrameReceiver {
 public:
  H264Receiver()
      : RtpFrameReceiver(
            "application/x-rtp,media=video,encoding-name=H264,payload=103,clock-rate=90000",
            "rtph264depay ! h264parse ! openh264dec") {}
};

std::string offer(int port, const std::string& media, const char* direction) {
  return "v=0\r\no=- 1 0 IN IP4 127.0.0.1\r\ns=adaptation\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=video " +
         std::to_string(port) + " RTP/AVP " + media + "a=" + direction + "\r\n";
}

int answeredPort(const std::string& sdp) {
  std::smatch match;
  if (!std::regex_search(sdp, match, std::regex("m=video (\\d+) "))) {
    throw std::runtime_error("no video port in the answer:\n" + sdp);
  }
  return std::stoi(match[1]);
}

class RtpAdaptationTest : public testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<kms::test::TestServer>(); }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    connection_ = Connection::connect(server_->url());
    pipeline_ = kc::MediaPipeline::create(connection_);
  }
  void TearDown() override {
    if (sender_ != nullptr) {
      gst_element_set_state(sender_, GST_STATE_NULL);
      gst_object_unref(sender_);
    }
    pipeline_->release();
    connection_->close();
    if (senderFd_ >= 0) {
      ::close(senderFd_);
    }
    if (HasFailure()) {
      std::cerr << "server output:\n" << server_->output().substr(0, 20000);
    }
  }
  // An RtpEndpoint receiving live VP8 from a gst-launch sender.
  std::shared_ptr<kc::RtpEndpoint> vp8Source() {
    auto source = kc::RtpEndpoint::create(connection_, pipeline_);
    int senderPort = 0;
    senderFd_ = boundUdpSocket(senderPort);
    const int port = answeredPort(
        source->processOffer(offer(senderPort, "96\r\na=rtpmap:96 VP8/90000\r\n", "sendonly")));
    sender_ = kms::test::launchPipeline(
        "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,"
        "framerate=15/1 ! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 ! "
        "udpsink host=127.0.0.1 port=" +
        std::to_string(port));
    gst_element_set_state(sender_, GST_STATE_PLAYING);
    return source;
  }
  // An RtpEndpoint that agreed on H.264 with `receiver` (sending only).
  std::shared_ptr<kc::RtpEndpoint> h264Sink(const H264Receiver& receiver) {
    auto sink = kc::RtpEndpoint::create(connection_, pipeline_);
    sink->processOffer(offer(receiver.port(),
                             "103\r\na=rtpmap:103 H264/90000\r\n"
                             "a=fmtp:103 packetization-mode=1;profile-level-id=42e01f\r\n",
                             "recvonly"));
    return sink;
  }

  static std::unique_ptr<kms::test::TestServer> server_;
  std::shared_ptr<Connection> connection_;
  std::shared_ptr<kc::MediaPipeline> pipeline_;
  GstElement* sender_ = nullptr;
  int senderFd_ = -1;
};

std::unique_ptr<kms::test::TestServer> RtpAdaptationTest::server_;

// Three H.264 RtpEndpoints of one VP8 source, connected before and after their negotiation:
// one vp8dec and one openh264enc at the source; each receiver decodes H.264 frames.
TEST_F(RtpAdaptationTest, OneDecoderAndOneEncoderForEveryH264Sink) {
  auto source = vp8Source();
  struct Events {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<kc::MediaTranscodingStateChangedEvent> events;
  };
  auto events = std::make_shared<Events>();
  source->subscribeMediaTranscodingStateChanged(
      [events](const kc::MediaTranscodingStateChangedEvent& event) {
        std::lock_guard<std::mutex> lock(events->mutex);
        events->events.push_back(event);
        events->changed.notify_all();
      });
  std::vector<std::unique_ptr<H264Receiver>> receivers;
  std::vector<std::shared_ptr<kc::RtpEndpoint>> sinks;
  for (int i = 0; i < 3; ++i) {
    receivers.push_back(std::make_unique<H264Receiver>());
    if (i == 1) {  // connected first, negotiated then
      sinks.push_back(kc::RtpEndpoint::create(connection_, pipeline_));
      source->connect(sinks.back());
      sinks.back()->processOffer(offer(receivers.back()->port(),
                                       "103\r\na=rtpmap:103 H264/90000\r\n"
                                       "a=fmtp:103 packetization-mode=1;"
                                       "profile-level-id=42e01f\r\n",
                                       "recvonly"));
    } else {
      sinks.push_back(h264Sink(*receivers.back()));
      source->connect(sinks.back());
    }
  }
  for (size_t i = 0; i < receivers.size(); ++i) {
    EXPECT_TRUE(receivers[i]->waitForFrames(20, 20s))
        << "receiver " << i << ": " << receivers[i]->frames() << " frames";
  }
  {
    std::unique_lock<std::mutex> lock(events->mutex);
    EXPECT_TRUE(events->changed.wait_for(lock, 5s, [&] {
      for (const auto& event : events->events) {
        if (event.mediaType == kc::MediaType::VIDEO &&
            event.state == kc::MediaTranscodingState::TRANSCODING &&
            event.binName == "adapter_video") {
          return true;
        }
      }
      return false;
    })) << "no TRANSCODING event from the source's adapter";
  }
  EXPECT_TRUE(source->isMediaTranscoding(kc::MediaType::VIDEO));
  EXPECT_TRUE(source->isMediaTranscoding(kc::MediaType::VIDEO, "adapter_video"));
  const std::string dot = source->getGstreamerDot();
  EXPECT_EQ(countOf(dot, "GstVP8Dec"), 1u);
  EXPECT_EQ(countOf(dot, "GstOpenh264Enc"), 1u);
  for (const auto& sink : sinks) {
    EXPECT_FALSE(sink->isMediaTranscoding(kc::MediaType::VIDEO)) << sink->getId();
    const std::string sinkDot = sink->getGstreamerDot();
    EXPECT_EQ(countOf(sinkDot, "GstVP8Dec") + countOf(sinkDot, "GstOpenh264Enc"), 0u)
        << sink->getId();
  }

  // The last H.264 sink leaves: the encoder and the decoder go, NOT_TRANSCODING arrives.
  {
    std::lock_guard<std::mutex> lock(events->mutex);
    events->events.clear();
  }
  for (auto& sink : sinks) {
    sink->release();
  }
  std::unique_lock<std::mutex> lock(events->mutex);
  EXPECT_TRUE(events->changed.wait_for(lock, 5s, [&] {
    return !events->events.empty() &&
           events->events.back().state == kc::MediaTranscodingState::NOT_TRANSCODING;
  }));
  lock.unlock();
  EXPECT_FALSE(source->isMediaTranscoding(kc::MediaType::VIDEO));
  const std::string after = source->getGstreamerDot();
  EXPECT_EQ(countOf(after, "GstVP8Dec") + countOf(after, "GstOpenh264Enc"), 0u);
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
