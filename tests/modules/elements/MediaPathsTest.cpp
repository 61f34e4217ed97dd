// The RTP send path (rtp/MediaPaths) in a real GStreamer pipeline, no network: a link that
// fails leaves nothing behind, so that the next attempt sends. (A payloader left linked to the
// RTP session once made the next send path go nowhere: a late viewer got no frame.)
#include "rtp/MediaPaths.hpp"

#include <kms/sdk/Error.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

namespace kurento::rtp {
namespace {

using namespace std::chrono_literals;

size_t elementsMadeBy(GstBin* bin, const char* factory) {
  size_t count = 0;
  GstIterator* elements = gst_bin_iterate_recurse(bin);
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(elements, &item) == GST_ITERATOR_OK) {
    GstElementFactory* made = gst_element_get_factory(GST_ELEMENT(g_value_get_object(&item)));
    count += made != nullptr && std::strcmp(GST_OBJECT_NAME(made), factory) == 0 ? 1 : 0;
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(elements);
  return count;
}

TEST(SendPath, AFailedLinkLeavesNothingBehindAndTheNextAttemptSends) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      "videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=15/1 ! "
      "openh264enc ! h264parse ! queue name=input  fakesink name=session sync=false async=false",
      &error);
  ASSERT_NE(pipeline, nullptr) << (error != nullptr ? error->message : "?");
  GstElement* queue = gst_bin_get_by_name(GST_BIN(pipeline), "input");
  GstElement* session = gst_bin_get_by_name(GST_BIN(pipeline), "session");
  GstPad* input = gst_element_get_static_pad(queue, "src");
  GstPad* target = gst_element_get_static_pad(session, "sink");
  std::atomic<int> packets{0};
  gst_pad_add_probe(
      target, GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo*, gpointer count) {
        ++*static_cast<std::atomic<int>*>(count);
        return GST_PAD_PROBE_OK;
      },
      &packets, nullptr);
  const CodecInfo* h264 = findCodec(MediaType::VIDEO, "H264", 90000);
  ASSERT_NE(h264, nullptr);

  // Told VP8 while the input carries H.264 (its format changed meanwhile): the decoder's
  // chain cannot be linked to the input.
  GstCaps* stale = gst_caps_new_empty_simple("video/x-vp8");
  EXPECT_THROW(linkSendPath(GST_BIN(pipeline), *h264, 103, 1200, stale, input, target),
               kms::KurentoException);
  gst_caps_unref(stale);
  EXPECT_FALSE(gst_pad_is_linked(target));
  EXPECT_EQ(elementsMadeBy(GST_BIN(pipeline), "rtph264pay"), 0u);
  EXPECT_EQ(elementsMadeBy(GST_BIN(pipeline), "vp8dec"), 0u);

  GstCaps* current = gst_caps_new_empty_simple("video/x-h264");
  const SendPath path = linkSendPath(GST_BIN(pipeline), *h264, 103, 1200, current, input, target);
  gst_caps_unref(current);
  EXPECT_FALSE(path.transcoding);
  ASSERT_EQ(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (packets < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(packets, 10) << "the second send path sends nothing";

  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(target);
  gst_object_unref(input);
  gst_object_unref(session);
  gst_object_unref(queue);
  gst_object_unref(pipeline);
}

}  // namespace
}  // namespace kurento::rtp

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
