// WebRtcEndpoint with GStreamer webrtcbin peers instead of browsers (fast, no chromium): the
// Hello World loopback, one presenter to several viewers with one leaving, the server's own
// offer answered by the peer, an H.264 peer, transcoding only where codecs differ, and a
// viewer that never connects stalling nobody.
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <regex>
#include <thread>
#include <vector>

namespace {

using kms::client::Connection;
using kms::test::WebRtcPeer;
namespace kc = kurento::client;
using namespace std::chrono_literals;

class WebRtcPeerTest : public testing::Test {
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

std::unique_ptr<kms::test::TestServer> WebRtcPeerTest::server_;

TEST_F(WebRtcPeerTest, LoopbackReturnsThePeersVideoWithoutTranscoding) {
  auto webRtc = endpoint();
  webRtc->connect(webRtc);
  WebRtcPeer peer(WebRtcPeer::Direction::kSendRecv);
  peer.offerTo(webRtc);
  ASSERT_TRUE(peer.waitForFrames(30, 15s)) << peer.framesDecoded() << " frames";
  EXPECT_EQ(peer.receivedCodec(), "VP8");
  EXPECT_FALSE(webRtc->isMediaTranscoding(kc::MediaType::VIDEO));
  EXPECT_EQ(webRtc->getICECandidatePairs().size(), 1u);
}

// webrtcbin holds a viewer's RTP back until its DTLS handshake is done: a viewer that answers
// and then vanishes (no ICE, no DTLS) must not stall the source for the others.
TEST_F(WebRtcPeerTest, AViewerThatNeverConnectsDoesNotStallTheOthers) {
  auto presenterEndpoint = endpoint();
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly);
  presenter.offerTo(presenterEndpoint);
  auto watching = endpoint();
  presenterEndpoint->connect(watching);
  WebRtcPeer viewer(WebRtcPeer::Direction::kRecvOnly);
  viewer.offerTo(watching);
  ASSERT_TRUE(viewer.waitForFrames(20, 15s)) << viewer.framesDecoded() << " frames";
  auto vanished = endpoint();
  presenterEndpoint->connect(vanished);
  {
    WebRtcPeer gone(WebRtcPeer::Direction::kRecvOnly);
    gone.offerTo(vanished);
  }  // the peer is gone before ICE or DTLS could finish
  std::this_thread::sleep_for(2s);  // more than the blocked viewer's queue holds
  const uint64_t before = viewer.framesDecoded();
  std::this_thread::sleep_for(3s);
  // 15 frames/s: 45 in 3 s; most of them must arrive.
  EXPECT_GE(viewer.framesDecoded() - before, 35u) << "the connected viewer stalled";
}

// An offer that lost its ICE and DTLS lines (as from an old client or a SIP gateway) is answered
// as Kurento answers it; the peer still does ICE and DTLS with what it keeps, and media flows.
TEST_F(WebRtcPeerTest, OfferWithoutFingerprintOrIceLinesIsAnsweredAndMediaFlows) {
  auto webRtc = endpoint();
  webRtc->connect(webRtc);
  WebRtcPeer peer(WebRtcPeer::Direction::kSendRecv);
  std::string sent;
  peer.offerTo(webRtc, [&sent](const std::string& offer) {
    static const std::regex kIceAndDtls(
        "a=(ice-ufrag|ice-pwd|ice-options|fingerprint|setup|candidate|end-of-candidates)[^\r\n]*"
        "\r\n");
    sent = std::regex_replace(offer, kIceAndDtls, "");
    return sent;
  });
  ASSERT_EQ(sent.find("a=fingerprint"), std::string::npos) << sent;
  ASSERT_EQ(sent.find("a=ice-ufrag"), std::string::npos) << sent;
  ASSERT_TRUE(peer.waitForFrames(30, 20s)) << peer.framesDecoded() << " frames";
  const auto pairs = webRtc->getICECandidatePairs();
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_NE(pairs[0]->remoteCandidate.find(" typ prflx"), std::string::npos)
      << pairs[0]->remoteCandidate;  // the path learnt from the peer's checks
  bool dtlsConnected = false;
  for (const auto& connection : webRtc->getDtlsConnectionState()) {
    dtlsConnected = dtlsConnected || connection->state == kc::DtlsConnectionState::CONNECTED;
  }
  EXPECT_TRUE(dtlsConnected);
}

TEST_F(WebRtcPeerTest, PresenterReachesEveryViewerAndOneLeavingDisturbsNobody) {
  auto presenterEndpoint = endpoint();
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly);
  presenter.offerTo(presenterEndpoint);
  std::vector<std::shared_ptr<kc::WebRtcEndpoint>> endpoints;
  std::vector<std::unique_ptr<WebRtcPeer>> viewers;
  for (int i = 0; i < 3; ++i) {
    endpoints.push_back(endpoint());
    presenterEndpoint->connect(endpoints.back());
    viewers.push_back(std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kRecvOnly));
    viewers.back()->offerTo(endpoints.back());
  }
  for (const auto& viewer : viewers) {
    ASSERT_TRUE(viewer->waitForFrames(20, 15s)) << viewer->framesDecoded() << " frames";
  }
  endpoints[0]->release();
  viewers[0].reset();
  for (size_t i = 1; i < viewers.size(); ++i) {
    const uint64_t before = viewers[i]->framesDecoded();
    EXPECT_TRUE(viewers[i]->waitForFrames(before + 20, 10s)) << "viewer " << i << " stopped";
  }
  EXPECT_FALSE(presenterEndpoint->isMediaTranscoding(kc::MediaType::VIDEO));
}

// The presenter makes keyframes only when asked: a viewer that joins later decodes only
// because its keyframe request (PLI) travels through the server to the presenter.
TEST_F(WebRtcPeerTest, ViewerJoiningLateDecodesThanksToItsKeyframeRequest) {
  WebRtcPeer::Video rareKeyframes;
  rareKeyframes.keyframeInterval = 100000;
  auto presenterEndpoint = endpoint();
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly, "VP8", rareKeyframes);
  presenter.offerTo(presenterEndpoint);
  auto first = endpoint();
  presenterEndpoint->connect(first);
  WebRtcPeer firstViewer(WebRtcPeer::Direction::kRecvOnly);
  firstViewer.offerTo(first);
  ASSERT_TRUE(firstViewer.waitForFrames(30, 15s)) << firstViewer.framesDecoded();
  auto late = endpoint();
  presenterEndpoint->connect(late);
  WebRtcPeer lateViewer(WebRtcPeer::Direction::kRecvOnly);
  const auto joined = std::chrono::steady_clock::now();
  lateViewer.offerTo(late);
  ASSERT_TRUE(lateViewer.waitForFrames(10, 10s)) << lateViewer.framesDecoded();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      lateViewer.firstKeyframeAt() - joined);
  std::cout << "late viewer's first decoded frame " << ms.count() << " ms after it offered\n";
}

TEST_F(WebRtcPeerTest, PeerAnswersTheEndpointsOffer) {
  auto webRtc = endpoint();
  webRtc->connect(webRtc);
  WebRtcPeer peer(WebRtcPeer::Direction::kSendRecv);
  peer.answer(webRtc);
  ASSERT_TRUE(peer.waitForFrames(30, 15s)) << peer.framesDecoded() << " frames";
}

TEST_F(WebRtcPeerTest, H264PeerLoopsBackOnH264) {
  auto webRtc = endpoint();
  webRtc->connect(webRtc);
  WebRtcPeer peer(WebRtcPeer::Direction::kSendRecv, "H264");
  peer.offerTo(webRtc);
  ASSERT_TRUE(peer.waitForFrames(30, 15s)) << peer.framesDecoded() << " frames";
  EXPECT_EQ(peer.receivedCodec(), "H264");
  EXPECT_FALSE(webRtc->isMediaTranscoding(kc::MediaType::VIDEO));
}

TEST_F(WebRtcPeerTest, Vp8PresenterIsTranscodedForAnH264ViewerOnly) {
  auto presenterEndpoint = endpoint();
  WebRtcPeer presenter(WebRtcPeer::Direction::kSendOnly);
  presenter.offerTo(presenterEndpoint);
  auto vp8Endpoint = endpoint();
  auto h264Endpoint = endpoint();
  presenterEndpoint->connect(vp8Endpoint);
  presenterEndpoint->connect(h264Endpoint);
  WebRtcPeer vp8Viewer(WebRtcPeer::Direction::kRecvOnly, "VP8");
  WebRtcPeer h264Viewer(WebRtcPeer::Direction::kRecvOnly, "H264");
  vp8Viewer.offerTo(vp8Endpoint);
  h264Viewer.offerTo(h264Endpoint);
  ASSERT_TRUE(vp8Viewer.waitForFrames(20, 15s)) << vp8Viewer.framesDecoded();
  ASSERT_TRUE(h264Viewer.waitForFrames(20, 20s)) << h264Viewer.framesDecoded();
  EXPECT_EQ(h264Viewer.receivedCodec(), "H264");
  // The presenter's output adapts (decodes and encodes once for its H.264 sinks); the
  // viewers' endpoints forward what they get.
  EXPECT_TRUE(presenterEndpoint->isMediaTranscoding(kc::MediaType::VIDEO));
  EXPECT_FALSE(vp8Endpoint->isMediaTranscoding(kc::MediaType::VIDEO));
  EXPECT_FALSE(h264Endpoint->isMediaTranscoding(kc::MediaType::VIDEO));
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
