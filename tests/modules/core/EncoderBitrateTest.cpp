// EncoderBitrate on real GStreamer encoders (openh264enc, vp8enc): the encoder of several sinks
// runs at the lowest wish, within the owning element's bounds, and follows sinks leaving.
#include "EncoderBitrate.hpp"

#include <gtest/gtest.h>

namespace kurento {
namespace {

int64_t encoderBps(GstElement* encoder) {
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(encoder), "target-bitrate") != nullptr) {
    gint bps = 0;
    g_object_get(encoder, "target-bitrate", &bps, nullptr);
    return bps;
  }
  guint bps = 0;
  g_object_get(encoder, "bitrate", &bps, nullptr);
  return bps;
}

class EncoderBitrateTest : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    gst_init(nullptr, nullptr);
    encoder_ = gst_element_factory_make(GetParam(), nullptr);
    ASSERT_NE(encoder_, nullptr) << GetParam() << " is missing";
    gst_object_ref_sink(encoder_);
  }
  void TearDown() override { gst_object_unref(encoder_); }
  GstElement* encoder_ = nullptr;
};

TEST_P(EncoderBitrateTest, RunsAtTheStartBitrateWithoutWishes) {
  EncoderBitrate::of(encoder_).setBounds({300000, 0, 0});
  EXPECT_EQ(encoderBps(encoder_), 300000);
  EXPECT_EQ(&EncoderBitrate::of(encoder_), &EncoderBitrate::of(encoder_));  // one per encoder
}

TEST_P(EncoderBitrateTest, FollowsTheLowestWishAndItsLeaving) {
  EncoderBitrate& bitrate = EncoderBitrate::of(encoder_);
  bitrate.setBounds({300000, 0, 0});
  int a = 0, b = 0, c = 0;  // three sinks
  bitrate.wish(&a, 1200000);
  EXPECT_EQ(encoderBps(encoder_), 1200000);
  bitrate.wish(&b, 400000);
  bitrate.wish(&c, 900000);
  EXPECT_EQ(encoderBps(encoder_), 400000);  // the slowest viewer decides
  bitrate.wish(&b, 700000);                 // its REMB grows
  EXPECT_EQ(encoderBps(encoder_), 700000);
  bitrate.wish(&b, 0);  // it leaves
  EXPECT_EQ(encoderBps(encoder_), 900000);
  EXPECT_EQ(bitrate.wishes(), 2u);
  bitrate.wish(&a, 0);
  bitrate.wish(&c, 0);
  EXPECT_EQ(encoderBps(encoder_), 300000);  // back to the element's encoderBitrate
}

TEST_P(EncoderBitrateTest, StaysWithinTheElementsBounds) {
  EncoderBitrate& bitrate = EncoderBitrate::of(encoder_);
  bitrate.setBounds({300000, 200000, 1000000});
  int a = 0, b = 0;
  bitrate.wish(&a, 50000);
  EXPECT_EQ(encoderBps(encoder_), 200000);  // minEncoderBitrate
  bitrate.wish(&a, 5000000);
  bitrate.wish(&b, 3000000);
  EXPECT_EQ(encoderBps(encoder_), 1000000);     // maxEncoderBitrate
  bitrate.setBounds({300000, 200000, 600000});  // setMaxEncoderBitrate while running
  EXPECT_EQ(encoderBps(encoder_), 600000);
  EXPECT_EQ(bitrate.appliedBps(), 600000);
}

INSTANTIATE_TEST_SUITE_P(Encoders, EncoderBitrateTest, testing::Values("openh264enc", "vp8enc"));

}  // namespace
}  // namespace kurento
