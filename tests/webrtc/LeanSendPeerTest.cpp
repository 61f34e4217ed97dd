// The lean send-only transport (modules/elements/src/webrtc/lean) against a real webrtcbin
// viewer on 127.0.0.1: the viewer offers, the transport answers, ICE and DTLS-SRTP connect on
// the shared loop, and the VP8 a live GStreamer encoder payloads once is decoded by the viewer.
#include "TestContext.hpp"
#include "WebRtcPeer.hpp"

#include "webrtc/Certificates.hpp"
#include "webrtc/lean/LeanSendPeer.hpp"

#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using kms::test::WebRtcPeer;
using namespace kurento::webrtc::lean;
using namespace std::chrono_literals;

// Collects what the transport reports, and passes its candidates to the viewer.
class Events : public LeanPeerListener {
 public:
  explicit Events(WebRtcPeer& viewer) : viewer_(&viewer) {}
  void onLocalCandidate(const std::string& candidate) override {
    if (WebRtcPeer* viewer = viewer_) {
      viewer->addCandidate(0, candidate);
    }
  }
  void forgetViewer() { viewer_ = nullptr; }
  void onGatheringDone() override { gathered = true; }
  void onIceState(IceState state) override {
    if (state == IceState::kConnected || state == IceState::kReady) {
      iceConnected = true;
    }
  }
  void onSelectedPair(const std::string& local, const std::string&) override {
    std::lock_guard<std::mutex> lock(mutex);
    selectedLocal = local;
  }
  void onDtlsState(DtlsState state) override {
    std::lock_guard<std::mutex> lock(mutex);
    dtlsStates.push_back(state);
    changed.notify_all();
  }
  void onKeyframeRequest() override { ++keyframeRequests; }
  void onRemb(uint64_t bitrateBps) override { rembBps = bitrateBps; }
  void onPeerSilent(bool silent) override { peerSilent = silent; }

  bool waitForDtls(DtlsState wanted, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, timeout, [&] {
      return std::find(dtlsStates.begin(), dtlsStates.end(), wanted) != dtlsStates.end();
    });
  }

  std::atomic<bool> gathered{false};
  std::atomic<bool> iceConnected{false};
  std::atomic<int> keyframeRequests{0};
  std::atomic<uint64_t> rembBps{0};
  std::atomic<bool> peerSilent{false};
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<DtlsState> dtlsStates;
  std::string selectedLocal;

 private:
  std::atomic<WebRtcPeer*> viewer_;
};

// A live VP8 source payloaded once; every packet goes to the transports in `peers`.
class VideoSource {
 public:
  VideoSource() {
    GError* error = nullptr;
    pipeline_ = gst_parse_launch(
        "videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=15/1 ! "
        "vp8enc deadline=1 keyframe-max-dist=60 ! rtpvp8pay mtu=1200 pt=100 ! "
        "fakesink name=out sync=false async=false",
        &error);
    if (pipeline_ == nullptr) {
      ADD_FAILURE() << (error != nullptr ? error->message : "no pipeline");
      g_clear_error(&error);
      return;
    }
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline_), "out");
    sinkPad_ = gst_element_get_static_pad(sink, "sink");
    gst_object_unref(sink);
    gst_pad_add_probe(
        sinkPad_,
        static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
        &VideoSource::onData, this, nullptr);
  }
  ~VideoSource() {
    if (pipeline_ != nullptr) {
      gst_element_set_state(pipeline_, GST_STATE_NULL);
      gst_object_unref(sinkPad_);
      gst_object_unref(pipeline_);
    }
  }
  void add(LeanSendPeer* peer) {
    std::lock_guard<std::mutex> lock(mutex_);
    peers_.push_back(peer);
  }
  void start() { gst_element_set_state(pipeline_, GST_STATE_PLAYING); }
  void requestKeyframe() {
    gst_pad_push_event(sinkPad_,
                       gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
  }

 private:
  static gboolean sendOne(GstBuffer** buffer, guint, gpointer data) {
    static_cast<VideoSource*>(data)->send(*buffer);
    return TRUE;
  }
  void send(GstBuffer* buffer) {
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (LeanSendPeer* peer : peers_) {
      peer->sendRtp(kurento::MediaType::VIDEO, map.data, map.size);
    }
    gst_buffer_unmap(buffer, &map);
  }
  static GstPadProbeReturn onData(GstPad*, GstPadProbeInfo* info, gpointer data) {
    auto* self = static_cast<VideoSource*>(data);
    if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
      gst_buffer_list_foreach(GST_PAD_PROBE_INFO_BUFFER_LIST(info), &VideoSource::sendOne, self);
    } else {
      self->send(GST_PAD_PROBE_INFO_BUFFER(info));
    }
    return GST_PAD_PROBE_OK;
  }

  GstElement* pipeline_ = nullptr;
  GstPad* sinkPad_ = nullptr;
  std::mutex mutex_;
  std::vector<LeanSendPeer*> peers_;
};

IceOptions loopbackOnly() {
  IceOptions options;
  options.localAddresses = {"127.0.0.1"};
  options.iceTcp = false;
  return options;
}

GstSDPMessage* parse(const std::string& sdp) {
  GstSDPMessage* message = nullptr;
  gst_sdp_message_new_from_text(sdp.c_str(), &message);
  return message;
}

// Signals the viewer with `peer`: the viewer's candidates are held until the answer is made.
struct Call {
  Call(WebRtcPeer& viewer, LeanSendPeer& peer,
       const std::function<std::string(std::string)>& edit = nullptr) {
    std::string offer =
        viewer.createOffer([&, peerRef = &peer](guint, const std::string& candidate) {
          std::lock_guard<std::mutex> lock(candidatesMutex);
          if (!answeredFlag) {
            pending.push_back(candidate);
          } else if (candidate.empty()) {
            peerRef->remoteCandidatesDone();
          } else {
            peerRef->addRemoteCandidate(candidate);
          }
        });
    if (edit) {
      offer = edit(offer);
    }
    GstSDPMessage* message = parse(offer);
    answer = peer.answer(*message);
    gst_sdp_message_free(message);
    viewer.acceptAnswer(answer);
    peer.gather();
    std::lock_guard<std::mutex> lock(candidatesMutex);
    answeredFlag = true;
    for (const std::string& candidate : pending) {
      if (candidate.empty()) {
        peer.remoteCandidatesDone();
      } else {
        peer.addRemoteCandidate(candidate);
      }
    }
  }
  std::mutex candidatesMutex;
  bool answeredFlag = false;
  std::vector<std::string> pending;
  std::string answer;
};

std::string ourFingerprint(const std::string& pem) {
  return kurento::webrtc::certificateFingerprint(pem);
}

class LeanSendPeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pem_ = kurento::webrtc::certificatePem(kurento::CertificateKeyType::ECDSA);
  }
  kms::test::TestContext context_;  // the certificate's settings come from the server context
  std::string pem_;
};

TEST_F(LeanSendPeerTest, AWebRtcBinViewerDecodesTheVideoPayloadedOnce) {
  WebRtcPeer viewer(WebRtcPeer::Direction::kRecvOnly, "VP8");
  Events events(viewer);
  LeanSendPeer peer(loopbackOnly(), pem_, ourFingerprint(pem_), events);
  VideoSource source;
  source.add(&peer);
  source.start();
  Call call(viewer, peer);
  EXPECT_NE(call.answer.find("a=sendonly"), std::string::npos) << call.answer;
  EXPECT_NE(call.answer.find("VP8/90000"), std::string::npos) << call.answer;
  ASSERT_TRUE(events.waitForDtls(DtlsState::kConnected, 10s));
  EXPECT_TRUE(events.iceConnected);
  source.requestKeyframe();
  ASSERT_TRUE(viewer.waitForFrames(30, 15s)) << viewer.framesDecoded() << " frames decoded";
  EXPECT_GE(events.keyframeRequests, 1);  // asked for when DTLS connected
  EXPECT_EQ(viewer.receivedCodec(), "VP8");
  const std::vector<LeanStreamStats> stats = peer.stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].type, kurento::MediaType::VIDEO);
  EXPECT_GT(stats[0].packetsSent, 30u);
  {
    std::lock_guard<std::mutex> lock(events.mutex);
    EXPECT_NE(events.selectedLocal.find("127.0.0.1"), std::string::npos) << events.selectedLocal;
  }
}

TEST_F(LeanSendPeerTest, AViewerThatVanishesFallsSilentWithinSeconds) {
  auto viewer = std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kRecvOnly, "VP8");
  Events events(*viewer);
  LeanSendPeer peer(loopbackOnly(), pem_, ourFingerprint(pem_), events);
  VideoSource source;
  source.add(&peer);
  source.start();
  {
    Call call(*viewer, peer);
    ASSERT_TRUE(viewer->waitForFrames(10, 15s)) << viewer->framesDecoded() << " frames";
  }
  std::this_thread::sleep_for(2s);
  EXPECT_FALSE(events.peerSilent) << "the viewer's receiver reports keep it alive";
  const auto gone = std::chrono::steady_clock::now();
  events.forgetViewer();
  viewer.reset();  // killed: no BYE, nothing more
  for (int i = 0; i < 100 && !events.peerSilent; ++i) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(events.peerSilent);
  EXPECT_LT(std::chrono::steady_clock::now() - gone, 8s);
}

TEST_F(LeanSendPeerTest, AViewerWithAnotherCertificateThanItsOfferSaysFailsDtls) {
  WebRtcPeer viewer(WebRtcPeer::Direction::kRecvOnly, "VP8");
  Events events(viewer);
  LeanSendPeer peer(loopbackOnly(), pem_, ourFingerprint(pem_), events);
  Call call(viewer, peer, [](std::string offer) {
    const size_t at = offer.find("a=fingerprint:sha-256 ");
    if (at != std::string::npos) {
      const size_t digest = at + std::string("a=fingerprint:sha-256 ").size();
      offer[digest] = offer[digest] == 'A' ? 'B' : 'A';  // another certificate's
    }
    return offer;
  });
  EXPECT_TRUE(events.waitForDtls(DtlsState::kFailed, 10s));
  EXPECT_EQ(peer.dtlsState(), DtlsState::kFailed);
}

TEST(LeanAnswerTest, OffersTheLeanTransportCannotServeAreToldApart) {
  const std::string base =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:abcd\r\n"
      "a=ice-pwd:abcdefghijklmnopqrstuv\r\na=fingerprint:sha-256 AA:BB\r\na=setup:actpass\r\n"
      "a=rtpmap:96 VP8/90000\r\n";
  struct Case {
    std::string extra;
    std::string problem;
  };
  const Case cases[] = {
      {"a=recvonly\r\na=rtcp-mux\r\n", ""},
      {"a=sendrecv\r\na=rtcp-mux\r\n", "the peer would send video"},
      {"a=recvonly\r\n", "the video line has no rtcp-mux"},
      {"a=recvonly\r\na=rtcp-mux\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
       "a=mid:1\r\n",
       "the offer has an m=application line"},
  };
  for (const Case& c : cases) {
    GstSDPMessage* offer = parse(base + c.extra);
    ASSERT_NE(offer, nullptr);
    EXPECT_EQ(leanProblem(*offer), c.problem) << c.extra;
    gst_sdp_message_free(offer);
  }
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
