// The lean send-only transport (modules/elements/src/webrtc/lean) against a real webrtcbin
// viewer on 127.0.0.1: the viewer offers, the transport answers, ICE and DTLS-SRTP connect on
// the shared loop, and the VP8 a live GStreamer encoder payloads once is decoded by the viewer.
#include "TestContext.hpp"
#include "WebRtcPeer.hpp"

#include "webrtc/Certificates.hpp"
#include "webrtc/lean/LeanSendPeer.hpp"

#include <gst/video/video.h>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <sstream>
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
    const std::string shown = rewrite ? rewrite(candidate) : candidate;
    if (WebRtcPeer* viewer = viewer_; viewer != nullptr && !shown.empty()) {
      viewer->addCandidate(0, shown);
    }
  }
  // What the viewer is told of each of our candidates ("": nothing); set before the call.
  std::function<std::string(const std::string&)> rewrite;
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

// A UDP relay on 127.0.0.1 between the transport and its viewer that loses every `nth` RTP
// packet on its way to the viewer (never STUN, DTLS or RTCP): the viewer only knows the relay's
// address, the transport learns the relay's other socket from its checks (peer-reflexive).
class LossyRelay {
 public:
  explicit LossyRelay(int nth) : nth_(nth) {
    viewerSide_ = boundSocket();
    serverSide_ = boundSocket();
    thread_ = std::thread([this] { run(); });
  }
  ~LossyRelay() {
    stop_ = true;
    thread_.join();
    ::close(viewerSide_);
    ::close(serverSide_);
  }
  // Our candidate as the viewer must see it: the relay's address instead of ours.
  std::string rewrite(const std::string& candidate) {
    // "candidate:F C udp PRIO 127.0.0.1 PORT typ host": words 4 and 5.
    std::istringstream words(candidate);
    std::vector<std::string> parts;
    for (std::string word; words >> word;) {
      parts.push_back(word);
    }
    if (parts.size() < 8 || parts[2] != "UDP" && parts[2] != "udp" || parts[4] != "127.0.0.1") {
      return "";
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      server_ = address(static_cast<uint16_t>(std::stoi(parts[5])));
      haveServer_ = true;
    }
    parts[5] = std::to_string(portOf(viewerSide_));
    std::string out;
    for (const std::string& part : parts) {
      out += (out.empty() ? "" : " ") + part;
    }
    return out;
  }
  int dropped() const { return dropped_; }

 private:
  static sockaddr_in address(uint16_t port) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return in;
  }
  static int boundSocket() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in in = address(0);
    ::bind(fd, reinterpret_cast<sockaddr*>(&in), sizeof in);
    return fd;
  }
  static uint16_t portOf(int fd) {
    sockaddr_in in{};
    socklen_t size = sizeof in;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&in), &size);
    return ntohs(in.sin_port);
  }
  void run() {
    pollfd fds[2] = {{viewerSide_, POLLIN, 0}, {serverSide_, POLLIN, 0}};
    uint8_t packet[2048];
    while (!stop_) {
      if (::poll(fds, 2, 50) <= 0) {
        continue;
      }
      if (fds[0].revents & POLLIN) {  // from the viewer: on to the transport
        sockaddr_in from{};
        socklen_t size = sizeof from;
        const ssize_t got = ::recvfrom(viewerSide_, packet, sizeof packet, 0,
                                       reinterpret_cast<sockaddr*>(&from), &size);
        std::lock_guard<std::mutex> lock(mutex_);
        viewer_ = from;
        haveViewer_ = true;
        if (got > 0 && haveServer_) {
          ::sendto(serverSide_, packet, got, 0, reinterpret_cast<sockaddr*>(&server_),
                   sizeof server_);
        }
      }
      if (fds[1].revents & POLLIN) {  // from the transport: on to the viewer, some RTP lost
        const ssize_t got = ::recv(serverSide_, packet, sizeof packet, 0);
        const bool rtp = got > 12 && packet[0] >= 128 && packet[0] <= 191 &&
                         (packet[1] < 192 || packet[1] > 223);
        if (rtp && ++rtpPackets_ % nth_ == 0) {
          ++dropped_;
          continue;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        if (got > 0 && haveViewer_) {
          ::sendto(viewerSide_, packet, got, 0, reinterpret_cast<sockaddr*>(&viewer_),
                   sizeof viewer_);
        }
      }
    }
  }

  const int nth_;
  int viewerSide_ = -1;
  int serverSide_ = -1;
  std::mutex mutex_;
  sockaddr_in server_{};
  sockaddr_in viewer_{};
  bool haveServer_ = false;
  bool haveViewer_ = false;
  int rtpPackets_ = 0;
  std::atomic<int> dropped_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
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
  // `viewerCandidates` false: the transport learns the viewer's path only from its checks.
  Call(WebRtcPeer& viewer, LeanSendPeer& peer,
       const std::function<std::string(std::string)>& edit = nullptr, bool viewerCandidates = true)
      : forward(viewerCandidates) {
    std::string offer =
        viewer.createOffer([&, peerRef = &peer](guint, const std::string& candidate) {
          std::lock_guard<std::mutex> lock(candidatesMutex);
          if (!forward && !candidate.empty()) {
            return;
          }
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
  const bool forward;
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

// Every 25th RTP packet is lost on its way to the viewer: the viewer's NACKs are answered from
// the stream's history, as the packet was sent, and the viewer decodes on.
TEST_F(LeanSendPeerTest, LostPacketsAreSentAgainWhenTheViewerAsks) {
  WebRtcPeer::Video video;
  video.nack = true;
  WebRtcPeer viewer(WebRtcPeer::Direction::kRecvOnly, "VP8", video);
  LossyRelay relay(25);
  Events events(viewer);
  events.rewrite = [&relay](const std::string& candidate) { return relay.rewrite(candidate); };
  LeanSendPeer peer(loopbackOnly(), pem_, ourFingerprint(pem_), events);
  VideoSource source;
  source.add(&peer);
  source.start();
  Call call(viewer, peer, nullptr, false);
  EXPECT_NE(call.answer.find("a=rtcp-fb:96 nack\r\n"), std::string::npos) << call.answer;
  ASSERT_TRUE(events.waitForDtls(DtlsState::kConnected, 10s));
  source.requestKeyframe();
  ASSERT_TRUE(viewer.waitForFrames(45, 20s)) << viewer.framesDecoded() << " frames decoded";
  LeanStreamStats video_stats;
  for (int i = 0; i < 50; ++i) {  // the NACKs of the last losses may still be on their way
    video_stats = peer.stats().at(0);
    if (video_stats.packetsResent > 0) {
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(relay.dropped(), 3);
  EXPECT_GT(video_stats.nacksReceived, 0u);
  EXPECT_GT(video_stats.packetsResent, 0u);
  EXPECT_LE(video_stats.packetsResent, video_stats.nacksReceived);
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
  // A second video line is refused (port 0, outside the answer's BUNDLE): only one is fed.
  GstSDPMessage* twoVideo = parse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\na=fingerprint:sha-256 AA:BB\r\n"
      "a=setup:actpass\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\n"
      "a=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=recvonly\r\n"
      "a=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n");
  ASSERT_NE(twoVideo, nullptr);
  ASSERT_EQ(leanProblem(*twoVideo), "");
  LeanLocal local{"ufrg", "password-password-pw", "AA:BB", "cname", 1};
  std::vector<LeanLine> lines;
  LeanRemote remote;
  const std::string answer = createLeanAnswer(*twoVideo, local, lines, remote);
  gst_sdp_message_free(twoVideo);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].codec, nullptr);
  EXPECT_EQ(lines[1].codec, nullptr);
  EXPECT_NE(answer.find("a=group:BUNDLE 0\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("m=video 0 UDP/TLS/RTP/SAVPF 96"), std::string::npos) << answer;
  EXPECT_EQ(remote.ufrag, "abcd");
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
