// Our DTLS-SRTP session against GStreamer's own (dtlssrtpenc/dtlssrtpdec, as webrtcbin uses
// them): datagrams moved through appsrc/appsink, a handshake to connected on both sides, RTP we
// protect decrypted by GStreamer's srtpdec (keyed by dtlssrtpdec itself) and RTP its srtpenc
// protects unprotected by us.
#include "DtlsSrtpTestPeers.hpp"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <ostream>
#include <vector>

namespace kurento::webrtc::lean {

void PrintTo(DtlsRole role, std::ostream* out) {
  *out << (role == DtlsRole::kClient ? "client" : "server");
}

namespace {

using test::Certificate;
using test::rtpPacket;

std::vector<uint8_t> bytesOf(GstSample* sample) {
  GstBuffer* buffer = gst_sample_get_buffer(sample);
  GstMapInfo map;
  std::vector<uint8_t> bytes;
  if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
    bytes.assign(map.data, map.data + map.size);
    gst_buffer_unmap(buffer, &map);
  }
  return bytes;
}

// GStreamer's end of the connection: what arrives on `net` goes through dtlssrtpdec (DTLS to
// the shared connection, SRTP to srtpdec, out on `rtp`); what dtlssrtpenc sends leaves on `out`.
class GstPeer {
 public:
  GstPeer(const Certificate& certificate, bool isClient) {
    static int connections = 0;
    const std::string id = "dtls-srtp-test-" + std::to_string(connections++);
    pipeline_ = gst_pipeline_new(nullptr);
    net_ = gst_element_factory_make("appsrc", nullptr);
    decoder_ = gst_element_factory_make("dtlssrtpdec", nullptr);
    rtp_ = gst_element_factory_make("appsink", nullptr);
    GstElement* rtcp = gst_element_factory_make("fakesink", nullptr);
    encoder_ = gst_element_factory_make("dtlssrtpenc", nullptr);
    out_ = gst_element_factory_make("appsink", nullptr);
    media_ = gst_element_factory_make("appsrc", nullptr);
    GstCaps* caps = gst_caps_from_string(
        "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000");
    g_object_set(media_, "is-live", TRUE, "format", GST_FORMAT_TIME, "caps", caps, nullptr);
    gst_caps_unref(caps);
    g_object_set(net_, "is-live", TRUE, "format", GST_FORMAT_TIME, nullptr);
    // The certificate first: the connection is made with the agent of the PEM set before.
    g_object_set(decoder_, "pem", certificate.pem.c_str(), "connection-id", id.c_str(), nullptr);
    g_object_set(encoder_, "connection-id", id.c_str(), "is-client", isClient, nullptr);
    g_object_set(rtp_, "sync", FALSE, nullptr);
    g_object_set(rtcp, "sync", FALSE, "async", FALSE, nullptr);
    g_object_set(out_, "sync", FALSE, "async", FALSE, nullptr);
    gst_bin_add_many(GST_BIN(pipeline_), net_, decoder_, rtp_, rtcp, encoder_, out_, media_,
                     nullptr);
    gst_element_link(net_, decoder_);
    gst_element_link_pads(decoder_, "rtp_src", rtp_, "sink");
    gst_element_link_pads(decoder_, "rtcp_src", rtcp, "sink");
    gst_element_link(encoder_, out_);
    gst_element_link_pads(media_, "src", encoder_, "rtp_sink_0");
  }
  ~GstPeer() {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(pipeline_);
  }

  bool play() {
    return gst_element_set_state(pipeline_, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE;
  }

  void push(const uint8_t* data, size_t size) {
    gst_app_src_push_buffer(GST_APP_SRC(net_),
                            gst_buffer_new_memdup(data, size));  // takes the buffer
  }

  // RTP for dtlssrtpenc to protect and send.
  void pushRtp(const std::vector<uint8_t>& packet) {
    gst_app_src_push_buffer(GST_APP_SRC(media_),
                            gst_buffer_new_memdup(packet.data(), packet.size()));
  }

  // The next datagram dtlssrtpenc sent, or an empty vector after `timeoutMs`.
  std::vector<uint8_t> sent(int timeoutMs) { return pull(out_, timeoutMs); }
  std::vector<uint8_t> decrypted(int timeoutMs) { return pull(rtp_, timeoutMs); }

  // The certificate GStreamer received in the handshake, PEM.
  std::string peerPem() const {
    gchar* pem = nullptr;
    g_object_get(decoder_, "peer-pem", &pem, nullptr);
    std::string text = pem != nullptr ? pem : "";
    g_free(pem);
    return text;
  }

  bool connected() const {
    GParamSpec* spec =
        g_object_class_find_property(G_OBJECT_GET_CLASS(decoder_), "connection-state");
    int state = 0;
    g_object_get(decoder_, "connection-state", &state, nullptr);
    GEnumValue* value = g_enum_get_value(G_PARAM_SPEC_ENUM(spec)->enum_class, state);
    return value != nullptr && std::strcmp(value->value_nick, "connected") == 0;
  }

 private:
  static std::vector<uint8_t> pull(GstElement* sink, int timeoutMs) {
    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), timeoutMs * GST_MSECOND);
    if (sample == nullptr) {
      return {};
    }
    std::vector<uint8_t> bytes = bytesOf(sample);
    gst_sample_unref(sample);
    return bytes;
  }

  GstElement* pipeline_;
  GstElement* net_;
  GstElement* decoder_;
  GstElement* rtp_;
  GstElement* encoder_;
  GstElement* out_;
  GstElement* media_;
};

void handshake(DtlsSrtpSession& ours, GstPeer& theirs) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  ours.start();
  while (std::chrono::steady_clock::now() < deadline &&
         (ours.state() != DtlsState::kConnected || !theirs.connected()) &&
         ours.state() != DtlsState::kFailed) {
    const std::vector<uint8_t> datagram = theirs.sent(10);
    if (!datagram.empty()) {
      ours.receive(datagram.data(), datagram.size());
    }
    if (ours.timeoutMs() == 0) {
      ours.handleTimeout();
    }
  }
}

void expectRtpDecryptedByGstreamer(DtlsSrtpSession& ours, GstPeer& theirs) {
  for (uint16_t sequence = 1; sequence <= 3; ++sequence) {
    const std::vector<uint8_t> plain = rtpPacket(0x01020304, sequence, 200);
    std::vector<uint8_t> packet(plain);
    size_t size = packet.size();
    packet.resize(1500);
    ASSERT_TRUE(ours.protectRtp(packet.data(), &size, packet.size()));
    theirs.push(packet.data(), size);
    EXPECT_EQ(theirs.decrypted(3000), plain) << "packet " << sequence;
  }
}

// What GStreamer's srtpenc protects, we unprotect.
void expectGstreamerRtpDecryptedByUs(DtlsSrtpSession& ours, GstPeer& theirs) {
  for (uint16_t sequence = 1; sequence <= 3; ++sequence) {
    const std::vector<uint8_t> plain = rtpPacket(0x0a0b0c0d, sequence, 300);
    theirs.pushRtp(plain);
    std::vector<uint8_t> packet;
    for (int i = 0; i < 100 && (packet.empty() || isDtlsPacket(packet.data(), packet.size()));
         ++i) {
      packet = theirs.sent(30);
    }
    ASSERT_FALSE(packet.empty()) << "GStreamer sent no SRTP for packet " << sequence;
    size_t size = packet.size();
    ASSERT_TRUE(ours.unprotectRtp(packet.data(), &size)) << "packet " << sequence;
    packet.resize(size);
    EXPECT_EQ(packet, plain) << "packet " << sequence;
  }
}

class DtlsSrtpInteropTest : public ::testing::TestWithParam<DtlsRole> {};

TEST_P(DtlsSrtpInteropTest, HandshakeAndSrtpBothWaysWithGstreamer) {
  for (const char* element : {"dtlssrtpenc", "dtlssrtpdec", "appsrc", "appsink"}) {
    if (GstElementFactory* factory = gst_element_factory_find(element)) {
      gst_object_unref(factory);
    } else {
      GTEST_SKIP() << element << " is not installed";
    }
  }
  const DtlsRole role = GetParam();
  const Certificate ourCertificate, theirCertificate(Certificate::kRsa);
  GstPeer theirs(theirCertificate, role == DtlsRole::kServer);
  ASSERT_TRUE(theirs.play());
  DtlsSrtpSession ours(
      ourCertificate.pem, role, theirCertificate.fingerprint("sha-256"),
      [&theirs](const uint8_t* data, size_t size) { theirs.push(data, size); }, nullptr);
  handshake(ours, theirs);
  ASSERT_EQ(ours.state(), DtlsState::kConnected) << ours.error();
  ASSERT_TRUE(theirs.connected());
  const std::string seen = theirs.peerPem();
  EXPECT_FALSE(seen.empty());
  EXPECT_NE(ourCertificate.pem.find(seen.substr(0, seen.find("-----END"))), std::string::npos);
  std::cout << "GStreamer and we agreed on " << ours.srtpProfile() << "\n";
  expectRtpDecryptedByGstreamer(ours, theirs);
  expectGstreamerRtpDecryptedByUs(ours, theirs);
}

INSTANTIATE_TEST_SUITE_P(Roles, DtlsSrtpInteropTest,
                         ::testing::Values(DtlsRole::kClient, DtlsRole::kServer),
                         [](const ::testing::TestParamInfo<DtlsRole>& info) {
                           return info.param == DtlsRole::kClient ? "WeAreClient" : "WeAreServer";
                         });

}  // namespace
}  // namespace kurento::webrtc::lean
