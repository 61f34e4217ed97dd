// OfferRepair: offers without ICE/DTLS lines completed so that a real webrtcbin takes them, and
// the refusals that name the line.
#include "webrtc/OfferRepair.hpp"

#include <kms/sdk/Error.hpp>

#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

namespace kurento::webrtc {
namespace {

using SdpPtr = std::unique_ptr<GstSDPMessage, decltype(&gst_sdp_message_free)>;

SdpPtr parse(const std::string& text) {
  GstSDPMessage* sdp = nullptr;
  gst_sdp_message_new_from_text(text.c_str(), &sdp);
  return SdpPtr(sdp, &gst_sdp_message_free);
}

const std::string kHeader = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
const std::string kAudio =
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n";
const std::string kVideo =
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtcp-mux\r\n"
    "a=rtpmap:96 VP8/90000\r\na=sendrecv\r\n";

// What webrtcbin says of `sdp` as a remote offer: "" when it takes it.
std::string webrtcbinVerdict(const GstSDPMessage& sdp) {
  GstElement* webrtc = gst_element_factory_make("webrtcbin", nullptr);
  EXPECT_NE(webrtc, nullptr);
  gst_element_set_state(webrtc, GST_STATE_READY);
  GstSDPMessage* copy = nullptr;
  gst_sdp_message_copy(&sdp, &copy);
  GstWebRTCSessionDescription* offer =
      gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, copy);
  GstPromise* promise = gst_promise_new();
  g_signal_emit_by_name(webrtc, "set-remote-description", offer, promise);
  gst_promise_wait(promise);
  std::string verdict;
  const GstStructure* reply = gst_promise_get_reply(promise);
  GError* error = nullptr;
  if (reply != nullptr && gst_structure_get(reply, "error", G_TYPE_ERROR, &error, nullptr)) {
    verdict = error->message;
    g_error_free(error);
  }
  gst_promise_unref(promise);
  gst_webrtc_session_description_free(offer);
  gst_element_set_state(webrtc, GST_STATE_NULL);
  gst_object_unref(webrtc);
  return verdict;
}

TEST(OfferRepairTest, ABareOfferIsCompletedSoThatWebrtcbinTakesIt) {
  SdpPtr offer = parse(kHeader + kAudio + kVideo);
  EXPECT_NE(webrtcbinVerdict(*offer), "");  // refused as it is
  const OfferRepair repair = completeOffer(offer.get());
  EXPECT_EQ(webrtcbinVerdict(*offer), "");
  EXPECT_EQ(repair.inventedCredentials, (std::vector<guint>{0, 1}));
  EXPECT_EQ(repair.inventedMids, (std::vector<guint>{0, 1}));
  const GstSDPMedia* video = gst_sdp_message_get_media(offer.get(), 1);
  EXPECT_STREQ(gst_sdp_media_get_attribute_val(video, "setup"), "actpass");
  EXPECT_STREQ(gst_sdp_media_get_attribute_val(video, "mid"), "1");
  EXPECT_GE(std::strlen(gst_sdp_media_get_attribute_val(video, "ice-pwd")), 22u);
  // One made-up pair for the whole offer.
  EXPECT_STREQ(
      gst_sdp_media_get_attribute_val(video, "ice-ufrag"),
      gst_sdp_media_get_attribute_val(gst_sdp_message_get_media(offer.get(), 0), "ice-ufrag"));
}

TEST(OfferRepairTest, ACompleteOfferIsLeftAlone) {
  SdpPtr offer = parse(kHeader + "a=group:BUNDLE 0\r\n" + kAudio + "a=mid:0\r\n" +
                       "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                       "a=setup:actpass\r\na=fingerprint:sha-256 AA:BB\r\n");
  const OfferRepair repair = completeOffer(offer.get());
  EXPECT_FALSE(repair.any());
  EXPECT_TRUE(repair.inventedCredentials.empty());
}

TEST(OfferRepairTest, ABundledLineTakesTheCredentialsOfItsBundle) {
  SdpPtr offer = parse(kHeader + "a=group:BUNDLE a v\r\n" + kAudio +
                       "a=mid:a\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n" +
                       kVideo + "a=mid:v\r\n");
  const OfferRepair repair = completeOffer(offer.get());
  EXPECT_TRUE(repair.inventedCredentials.empty());
  EXPECT_STREQ(
      gst_sdp_media_get_attribute_val(gst_sdp_message_get_media(offer.get(), 1), "ice-ufrag"),
      "abcd");
  EXPECT_EQ(webrtcbinVerdict(*offer), "");
}

TEST(OfferRepairTest, RefusesWhatCannotBeServedNamingTheLine) {
  SdpPtr holdconn = parse(kHeader + kAudio + kVideo + "a=setup:holdconn\r\n");
  try {
    completeOffer(holdconn.get());
    FAIL() << "a=setup:holdconn was taken";
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kSdpEndPointProcessOfferError);
    EXPECT_NE(std::string(error.what()).find("m=video (media 1, mid '1'): a=setup:holdconn"),
              std::string::npos)
        << error.what();
  }
  SdpPtr keyed =
      parse("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nk=clear:secret\r\nt=0 0\r\n" + kAudio);
  EXPECT_THROW(completeOffer(keyed.get()), kms::KurentoException);
}

TEST(OfferRepairTest, NamesLinesInWebrtcbinsMessagesAndDropsMadeUpMids) {
  SdpPtr offer = parse(kHeader + kAudio + kVideo);
  completeOffer(offer.get());
  EXPECT_EQ(withMediaNames("Fingerprint in media 1 differs", *offer),
            "Fingerprint in m=video (media 1, mid '1') differs");
  EXPECT_EQ(
      withoutMids("v=0\r\nm=audio 9 X 0\r\na=mid:0\r\na=x\r\nm=video 9 X 0\r\na=mid:1\r\n", {1}),
      "v=0\r\nm=audio 9 X 0\r\na=mid:0\r\na=x\r\nm=video 9 X 0\r\n");
}

TEST(OfferRepairTest, AnIceLessPeerIsReachedAtItsConnectionAddress) {
  SdpPtr offer = parse(kHeader + "m=audio 40000 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 192.0.2.7\r\n" +
                       "a=rtpmap:111 opus/48000/2\r\n" + kVideo);
  std::string address;
  guint port = 0;
  ASSERT_TRUE(mediaDestination(*offer, 0, &address, &port));
  EXPECT_EQ(address, "192.0.2.7");
  EXPECT_EQ(port, 40000u);
  EXPECT_FALSE(mediaDestination(*offer, 1, &address, &port));  // 0.0.0.0, port 9: trickle
}

}  // namespace
}  // namespace kurento::webrtc

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
