// Format adaptation at the source (modules/core/src/FormatAdapter), with webrtcbin peers:
// media passes untouched between matching formats, and is decoded once and encoded once per
// target format for every sink that needs it; MediaTranscodingStateChanged and
// isMediaTranscoding tell the application, on the element that transcodes.
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using kms::client::Connection;
using kms::test::WebRtcPeer;
namespace kc = kurento::client;
using namespace std::chrono_literals;

// How many elements of GStreamer type `type` (e.g. "GstVP8Dec") a dot graph shows.
size_t countOf(const std::string& dot, const std::string& type) {
  const std::string label = type + "\\n";  // each element's label starts with its type
  size_t count = 0;
  for (size_t at = dot.find(label); at != std::string::npos; at = dot.find(label, at + 1)) {
    ++count;
  }
  return count;
}

// The MediaTranscodingStateChanged events of one element, as they arrive (the state outlives
// this object: the subscription lasts as long as the connection).
class TranscodingEvents {
 public:
  explicit TranscodingEvents(const std::shared_ptr<kc::WebRtcEndpoint>& endpoint)
      : state_(std::make_shared<State>()) {
    endpoint->subscribeMediaTranscodingStateChanged(
        [state = state_](const kc::MediaTranscodingStateChangedEvent& event) {
          std::lock_guard<std::mutex> lock(state->mutex);
          state->events.push_back(event);
          state->changed.notify_all();
        });
  }
  // Waits for an event of `type` in `state`; its binName goes to `binName`.
  bool waitFor(kc::MediaType type, kc::MediaTranscodingState wanted, std::chrono::seconds timeout,
               std::string* binName = nullptr) {
    std::unique_lock<std::mutex> lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] {
      for (const auto& event : state_->events) {
        if (event.mediaType == type && event.state == wanted) {
          if (binName != nullptr) {
            *binName = event.binName;
          }
          return true;
        }
      }
      return false;
    });
  }
  void clear() {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->events.clear();
  }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<kc::MediaTranscodingStateChangedEvent> events;
  };
  std::shared_ptr<State> state_;
};

class FormatAdaptationTest : public testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<kms::test::TestServer>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    connection_ = Connection::connect(server_->url());
    pipeline_ = kc::MediaPipeline::create(connection_);
  }
  void TearDown() override {
    pipeline_->release();
    connection_->close();
    if (HasFailure()) {
      std::cerr << "server output:\n" << server_->output().substr(0, 20000);
    }
  }
  std::shared_ptr<kc::WebRtcEndpoint> endpoint() {
    return kc::WebRtcEndpoint::create(connection_, pipeline_);
  }

  static std::unique_ptr<kms::test::TestServer> server_;
  std::shared_ptr<Connection> connection_;
  std::shared_ptr<kc::MediaPipeline> pipeline_;
};

std::unique_ptr<kms::test::TestServer> FormatAdaptationTest::server_;

TEST_F(FormatAdaptationTest, MatchingFormatsPassUntouched) {
  auto presenterEndpoint = endpoint();
  TranscodingEvents events(presenterEndpoint);
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly, "VP8");
  presenter.offerTo(presenterEndpoint);
  auto viewerEndpoint = endpoint();
  presenterEndpoint->connect(viewerEndpoint);
  WebRtcPeer viewer(WebRtcPeer::Direction::kRecvOnly, "VP8");
  viewer.offerTo(viewerEndpoint);
  ASSERT_TRUE(viewer.waitForFrames(20, 15s)) << viewer.framesDecoded();
  EXPECT_TRUE(events.waitFor(kc::MediaType::VIDEO, kc::MediaTranscodingState::NOT_TRANSCODING, 5s));
  EXPECT_FALSE(events.waitFor(kc::MediaType::VIDEO, kc::MediaTranscodingState::TRANSCODING, 0s));
  EXPECT_FALSE(presenterEndpoint->isMediaTranscoding(kc::MediaType::VIDEO));
  EXPECT_FALSE(viewerEndpoint->isMediaTranscoding(kc::MediaType::VIDEO));
  for (const auto& element : {presenterEndpoint, viewerEndpoint}) {
    const std::string dot = element->getGstreamerDot();
    EXPECT_EQ(countOf(dot, "GstVP8Dec") + countOf(dot, "GstVP8Enc") +
                  countOf(dot, "GstOpenh264Enc") + countOf(dot, "GstOpenh264Dec"),
              0u)
        << element->getId();
  }
}

// A VP8 presenter, two VP8 and two H.264 viewers: one decoder and one H.264 encoder at the
// presenter serve both H.264 viewers; none anywhere else. When they leave, the encoder and
// the decoder go and NOT_TRANSCODING arrives; the VP8 viewers keep receiving.
TEST_F(FormatAdaptationTest, OneDecoderAndOneEncoderPerTargetFormat) {
  auto presenterEndpoint = endpoint();
  TranscodingEvents events(presenterEndpoint);
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly, "VP8");
  presenter.offerTo(presenterEndpoint);
  std::vector<std::shared_ptr<kc::WebRtcEndpoint>> endpoints;
  std::vector<std::unique_ptr<WebRtcPeer>> viewers;
  for (const char* codec : {"VP8", "H264", "VP8", "H264"}) {
    endpoints.push_back(endpoint());
    presenterEndpoint->connect(endpoints.back());
    viewers.push_back(std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kRecvOnly, codec));
    viewers.back()->offerTo(endpoints.back());
  }
  for (size_t i = 0; i < viewers.size(); ++i) {
    ASSERT_TRUE(viewers[i]->waitForFrames(20, 20s)) << "viewer " << i << ": "
                                                    << viewers[i]->framesDecoded();
    EXPECT_EQ(viewers[i]->receivedCodec(), i % 2 == 0 ? "VP8" : "H264");
  }
  std::string binName;
  EXPECT_TRUE(events.waitFor(kc::MediaType::VIDEO, kc::MediaTranscodingState::TRANSCODING, 5s,
                             &binName));
  EXPECT_TRUE(presenterEndpoint->isMediaTranscoding(kc::MediaType::VIDEO));
  EXPECT_TRUE(presenterEndpoint->isMediaTranscoding(kc::MediaType::VIDEO, binName));
  EXPECT_FALSE(presenterEndpoint->isMediaTranscoding(kc::MediaType::VIDEO, "no-such-bin"));
  EXPECT_FALSE(presenterEndpoint->isMediaTranscoding(kc::MediaType::AUDIO));
  const std::string dot = presenterEndpoint->getGstreamerDot();
  EXPECT_EQ(countOf(dot, "GstVP8Dec"), 1u);
  EXPECT_EQ(countOf(dot, "GstOpenh264Enc"), 1u);
  EXPECT_EQ(countOf(dot, "GstVP8Enc"), 0u);
  for (const auto& viewerEndpoint : endpoints) {
    EXPECT_FALSE(viewerEndpoint->isMediaTranscoding(kc::MediaType::VIDEO));
    const std::string viewerDot = viewerEndpoint->getGstreamerDot();
    EXPECT_EQ(countOf(viewerDot, "GstOpenh264Enc") + countOf(viewerDot, "GstVP8Dec"), 0u);
  }

  events.clear();
  for (size_t i : {1u, 3u}) {
    endpoints[i]->release();
    viewers[i].reset();
  }
  EXPECT_TRUE(
      events.waitFor(kc::MediaType::VIDEO, kc::MediaTranscodingState::NOT_TRANSCODING, 5s));
  EXPECT_FALSE(presenterEndpoint->isMediaTranscoding(kc::MediaType::VIDEO));
  const std::string after = presenterEndpoint->getGstreamerDot();
  EXPECT_EQ(countOf(after, "GstVP8Dec") + countOf(after, "GstOpenh264Enc"), 0u);
  for (size_t i : {0u, 2u}) {
    const uint64_t before = viewers[i]->framesDecoded();
    EXPECT_TRUE(viewers[i]->waitForFrames(before + 20, 10s)) << "viewer " << i << " stopped";
  }
}

// A viewer that negotiates before it is connected gets the encoder at once; one that
// connects to a presenter already sending joins the running encoder.
TEST_F(FormatAdaptationTest, ViewersJoinTheRunningEncoder) {
  auto presenterEndpoint = endpoint();
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly, "VP8");
  presenter.offerTo(presenterEndpoint);
  auto first = endpoint();
  WebRtcPeer firstViewer(WebRtcPeer::Direction::kRecvOnly, "H264");
  firstViewer.offerTo(first);
  presenterEndpoint->connect(first);  // after the viewer's negotiation
  ASSERT_TRUE(firstViewer.waitForFrames(20, 20s)) << firstViewer.framesDecoded();
  auto late = endpoint();
  presenterEndpoint->connect(late);
  WebRtcPeer lateViewer(WebRtcPeer::Direction::kRecvOnly, "H264");
  lateViewer.offerTo(late);
  ASSERT_TRUE(lateViewer.waitForFrames(20, 20s)) << lateViewer.framesDecoded();
  EXPECT_EQ(lateViewer.receivedCodec(), "H264");
  EXPECT_EQ(countOf(presenterEndpoint->getGstreamerDot(), "GstOpenh264Enc"), 1u);
  EXPECT_FALSE(late->isMediaTranscoding(kc::MediaType::VIDEO));
}

// What the encoder feeding `viewer` aims at (its outbound video's targetBitrate), 0 if none.
double targetBitrateOf(const std::shared_ptr<kc::WebRtcEndpoint>& viewer) {
  for (const auto& [id, stats] : viewer->getStats(kc::MediaType::VIDEO)) {
    if (auto outbound = std::dynamic_pointer_cast<kc::RTCOutboundRTPStreamStats>(stats)) {
      return outbound->targetBitrate;
    }
  }
  return 0;
}

bool waitUntil(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(200ms);
  }
  return true;
}

// Two H.264 viewers of a VP8 presenter share one encoder; their peers report REMB of 400 and
// 900 kbps: the encoder runs at the slower one's, at the other's once it leaves, and within
// the presenter's maxEncoderBitrate when that is lowered.
TEST_F(FormatAdaptationTest, SharedEncoderFollowsTheSlowestViewersRemb) {
  auto presenterEndpoint = endpoint();
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly, "VP8");
  presenter.offerTo(presenterEndpoint);
  std::vector<std::shared_ptr<kc::WebRtcEndpoint>> endpoints;
  std::vector<std::unique_ptr<WebRtcPeer>> viewers;
  for (int64_t rembBps : {400000, 900000}) {
    endpoints.push_back(endpoint());
    endpoints.back()->setMaxVideoSendBandwidth(2000);  // the same bounds: one encoder
    presenterEndpoint->connect(endpoints.back());
    viewers.push_back(std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kRecvOnly, "H264"));
    viewers.back()->offerTo(endpoints.back());
    ASSERT_TRUE(viewers.back()->waitForFrames(10, 20s)) << viewers.back()->framesDecoded();
    viewers.back()->sendRemb(rembBps);
  }
  EXPECT_EQ(countOf(presenterEndpoint->getGstreamerDot(), "GstOpenh264Enc"), 1u);
  double first = 0, second = 0;
  EXPECT_TRUE(waitUntil(
      [&] {
        first = targetBitrateOf(endpoints[0]);
        second = targetBitrateOf(endpoints[1]);
        return first == 400000 && second == 400000;
      },
      20s))
      << first << " and " << second << " bps";
  // and stays there while both peers keep reporting (the faster one's REMB does not win)
  for (int i = 0; i < 15; ++i) {
    std::this_thread::sleep_for(200ms);
    ASSERT_EQ(targetBitrateOf(endpoints[1]), 400000) << "after " << i * 200 << " ms";
  }
  endpoints[0]->release();
  viewers[0].reset();
  EXPECT_TRUE(waitUntil([&] { return (second = targetBitrateOf(endpoints[1])) == 900000; }, 20s))
      << second << " bps";
  presenterEndpoint->setMaxEncoderBitrate(600000);
  EXPECT_TRUE(waitUntil([&] { return (second = targetBitrateOf(endpoints[1])) == 600000; }, 10s))
      << second << " bps";
  const uint64_t before = viewers[1]->framesDecoded();
  EXPECT_TRUE(viewers[1]->waitForFrames(before + 10, 10s));
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
