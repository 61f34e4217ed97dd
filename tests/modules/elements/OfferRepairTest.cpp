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

// Emits `signal` (with `description`, which may be null) on `webrtc` and waits for its promise:
// webrtcbin's error message, or "" (and the reply's answer in `answer`, when asked for).
std::string runPromise(GstElement* webrtc, const char* signal,
                       GstWebRTCSessionDescription* description,
                       GstWebRTCSessionDescription** answer = nullptr) {
  GstPromise* promise = gst_promise_new();
  if (description != nullptr) {
    g_signal_emit_by_name(webrtc, signal, description, promise);
  } else {
    g_signal_emit_by_name(webrtc, signal, nullptr, promise);
  }
  gst_promise_wait(promise);
  std::string verdict;
  const GstStructure* reply = gst_promise_get_reply(promise);
  GError* error = nullptr;
  if (reply != nullptr && gst_structure_get(reply, "error", G_TYPE_ERROR, &error, nullptr)) {
    verdict = error->message;
    g_error_free(error);
  } else if (answer != nullptr && reply != nullptr) {
    gst_structure_get(reply, "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, answer, nullptr);
  }
  gst_promise_unref(promise);
  return verdict;
}

// What webrtcbin says of `sdp` as a remote offer: "" when it takes it.
std::string webrtcbinVerdict(const GstSDPMessage& sdp) {
  GstElement* webrtc = gst_element_factory_make("webrtcbin", nullptr);
  EXPECT_NE(webrtc, nullptr);
  gst_element_set_state(webrtc, GST_STATE_READY);
  GstSDPMessage* copy = nullptr;
  gst_sdp_message_copy(&sdp, &copy);
  GstWebRTCSessionDescription* offer =
      gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, copy);
  const std::string verdict = runPromise(webrtc, "set-remote-description", offer);
  gst_webrtc_session_description_free(offer);
  gst_element_set_state(webrtc, GST_STATE_NULL);
  gst_object_unref(webrtc);
  return verdict;
}

// What a webrtcbin with a sendrecv VP8 transceiver (as a WebRtcEndpoint has) says when it
// answers `sdp` and takes its own answer: "", and the answer's direction of the first line in
// `direction`, when it does.
std::string webrtcbinAnswerVerdict(const GstSDPMessage& sdp, std::string* direction) {
  GstElement* webrtc = gst_element_factory_make("webrtcbin", nullptr);
  EXPECT_NE(webrtc, nullptr);
  gst_element_set_state(webrtc, GST_STATE_READY);
  GstCaps* caps = gst_caps_from_string(
      "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000");
  GstWebRTCRTPTransceiver* transceiver = nullptr;
  g_signal_emit_by_name(webrtc, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                        caps, &transceiver);
  gst_caps_unref(caps);
  if (transceiver != nullptr) {
    gst_object_unref(transceiver);
  }
  GstSDPMessage* copy = nullptr;
  gst_sdp_message_copy(&sdp, &copy);
  GstWebRTCSessionDescription* offer =
      gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_OFFER, copy);
  GstWebRTCSessionDescription* answer = nullptr;
  std::string verdict = runPromise(webrtc, "set-remote-description", offer);
  if (verdict.empty()) {
    verdict = runPromise(webrtc, "create-answer", nullptr, &answer);
  }
  if (verdict.empty() && answer == nullptr) {
    verdict = "no answer";
  }
  if (verdict.empty()) {
    verdict = runPromise(webrtc, "set-local-description", answer);
    const GstSDPMedia* media = gst_sdp_message_get_media(answer->sdp, 0);
    for (guint i = 0; media != nullptr && i < gst_sdp_media_attributes_len(media); ++i) {
      const std::string key = gst_sdp_media_get_attribute(media, i)->key;
      if (key == "sendrecv" || key == "sendonly" || key == "recvonly" || key == "inactive") {
        *direction = key;
      }
    }
  }
  if (answer != nullptr) {
    gst_webrtc_session_description_free(answer);
  }
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

TEST(OfferRepairTest, ALineWithoutDirectionIsSendrecvOrTheSessions) {
  const std::string line =
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtcp-mux\r\na=mid:0\r\n"
      "a=rtpmap:96 VP8/90000\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
      "a=setup:actpass\r\na=fingerprint:sha-256 AA:BB\r\n";
  SdpPtr offer = parse(kHeader + line);
  std::string direction;
  // webrtcbin alone does not negotiate the line: its answer gives it no direction (in the
  // endpoint, no fingerprint either, and webrtcbin then refuses its own answer).
  EXPECT_EQ(webrtcbinAnswerVerdict(*offer, &direction), "");
  EXPECT_EQ(direction, "");
  const OfferRepair repair = completeOffer(offer.get());
  ASSERT_EQ(repair.filled.size(), 1u);
  EXPECT_NE(repair.filled[0].find("no direction (taken as sendrecv)"), std::string::npos);
  EXPECT_EQ(webrtcbinAnswerVerdict(*offer, &direction), "");
  EXPECT_EQ(direction, "sendrecv");

  SdpPtr receiving = parse(kHeader + "a=recvonly\r\n" + line);
  completeOffer(receiving.get());
  EXPECT_EQ(webrtcbinAnswerVerdict(*receiving, &direction), "");
  EXPECT_EQ(direction, "sendonly");  // the session's recvonly applies to the line
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
