// FormatAdapter in a real GStreamer pipeline (no server, no network): a live VP8 stream feeds
// an element's output tee; sinks asking for VP8, H.264 and raw video each get what they asked
// for, through one decoder and one encoder per target format, torn down as the sinks leave.
// A stream that stays undecodable ends in an error of the pipeline, from the shared decoder.
#include "FormatAdapter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kurento {
namespace {

using namespace std::chrono_literals;

// A sink outside the element's bin that counts buffers and remembers the media they carry.
struct Consumer {
  GstPad* ghost = nullptr;  // the element's output towards this sink
  std::atomic<bool> adapted{false};
  std::atomic<int> buffers{0};
  std::mutex mutex;
  std::string media;

  static GstPadProbeReturn onData(GstPad* pad, GstPadProbeInfo*, gpointer data) {
    auto* self = static_cast<Consumer*>(data);
    GstCaps* caps = gst_pad_get_current_caps(pad);
    {
      std::lock_guard<std::mutex> lock(self->mutex);
      self->media = mediaOf(caps);
    }
    if (caps != nullptr) {
      gst_caps_unref(caps);
    }
    ++self->buffers;
    return GST_PAD_PROBE_OK;
  }
  std::string currentMedia() {
    std::lock_guard<std::mutex> lock(mutex);
    return media;
  }
};

class FormatAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GError* error = nullptr;
    pipeline_ = gst_parse_launch(
        "videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=30/1 ! "
        "vp8enc deadline=1 keyframe-max-dist=15 name=source",
        &error);
    ASSERT_NE(pipeline_, nullptr) << (error != nullptr ? error->message : "?");
    bin_ = GST_BIN(gst_bin_new("element"));
    tee_ = gst_element_factory_make("tee", "out_video");
    g_object_set(tee_, "allow-not-linked", TRUE, nullptr);
    gst_bin_add(bin_, tee_);
    GstPad* teeSink = gst_element_get_static_pad(tee_, "sink");
    gst_element_add_pad(GST_ELEMENT(bin_), gst_ghost_pad_new("sink", teeSink));
    gst_object_unref(teeSink);
    gst_bin_add(GST_BIN(pipeline_), GST_ELEMENT(bin_));
    GstElement* source = gst_bin_get_by_name(GST_BIN(pipeline_), "source");
    gst_element_link(source, GST_ELEMENT(bin_));
    gst_object_unref(source);
    adapter_ = std::make_unique<FormatAdapter>(
        bin_, tee_, true, "adapter_video", [this](bool on) { reports_.push_back(on); },
        [] { return EncoderBitrate::Bounds{300000, 0, 0}; });
  }
  void TearDown() override {
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    adapter_.reset();
    gst_object_unref(pipeline_);
  }

  // Connects a new sink wanting `wanted` (null: as is).
  Consumer& connect(const char* wanted) {
    consumers_.push_back(std::make_unique<Consumer>());
    Consumer& consumer = *consumers_.back();
    const std::string name = "src_" + std::to_string(consumers_.size());
    consumer.ghost = gst_ghost_pad_new_no_target(name.c_str(), GST_PAD_SRC);
    gst_pad_set_active(consumer.ghost, TRUE);
    gst_element_add_pad(GST_ELEMENT(bin_), consumer.ghost);
    GstElement* sink = gst_element_factory_make("fakesink", nullptr);
    g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
    gst_bin_add(GST_BIN(pipeline_), sink);
    GstPad* sinkPad = gst_element_get_static_pad(sink, "sink");
    gst_pad_add_probe(sinkPad, GST_PAD_PROBE_TYPE_BUFFER, &Consumer::onData, &consumer, nullptr);
    EXPECT_EQ(gst_pad_link(consumer.ghost, sinkPad), GST_PAD_LINK_OK);
    gst_object_unref(sinkPad);
    gst_element_sync_state_with_parent(sink);
    GstCaps* caps = wanted != nullptr ? gst_caps_from_string(wanted) : nullptr;
    adapter_->attach(consumer.ghost, caps, &consumer.adapted, nullptr);
    if (caps != nullptr) {
      gst_caps_unref(caps);
    }
    return consumer;
  }
  // Waits until `consumer` received `count` more buffers of `media`.
  static bool receives(Consumer& consumer, const std::string& media, int count = 10) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    int start = -1;
    while (std::chrono::steady_clock::now() < deadline) {
      if (consumer.currentMedia() == media) {
        if (start < 0) {
          start = consumer.buffers;
        } else if (consumer.buffers - start >= count) {
          return true;
        }
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  GstElement* pipeline_ = nullptr;
  GstBin* bin_ = nullptr;
  GstElement* tee_ = nullptr;
  std::unique_ptr<FormatAdapter> adapter_;
  std::vector<bool> reports_;  // written outside the adapter's lock, read after it settles
  std::vector<std::unique_ptr<Consumer>> consumers_;
};

TEST_F(FormatAdapterTest, MatchingSinksGetTheStreamAsIs) {
  Consumer& vp8 = connect("video/x-vp8");
  Consumer& any = connect(nullptr);
  ASSERT_EQ(gst_element_set_state(pipeline_, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  EXPECT_TRUE(receives(vp8, "video/x-vp8"));
  EXPECT_TRUE(receives(any, "video/x-vp8"));
  EXPECT_TRUE(vp8.adapted);
  EXPECT_FALSE(any.adapted);  // asked for nothing in particular
  EXPECT_EQ(adapter_->decoders(), 0u);
  EXPECT_EQ(adapter_->encoders(), 0u);
  EXPECT_FALSE(adapter_->transcoding());
  EXPECT_EQ(reports_, std::vector<bool>{false});
}

TEST_F(FormatAdapterTest, ManySinksShareAFewLanesAndEveryOneGetsTheStream) {
  ASSERT_EQ(gst_element_set_state(pipeline_, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  std::vector<Consumer*> sinks;
  for (int i = 0; i < 20; ++i) {
    sinks.push_back(&connect("video/x-vp8"));
  }
  for (Consumer* sink : sinks) {
    EXPECT_TRUE(receives(*sink, "video/x-vp8"));
  }
  // The first 8 from the element's thread, the other 12 through lanes: at most one per core
  // (up to 4), never one per sink.
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_GE(adapter_->lanes(), 1u);
  EXPECT_LE(adapter_->lanes(), std::min<size_t>(cores, 4));
  EXPECT_EQ(adapter_->encoders(), 0u);
  for (size_t i = 1; i < sinks.size(); ++i) {
    adapter_->detach(sinks[i]->ghost);
  }
  EXPECT_EQ(adapter_->lanes(), 0u);  // the lanes went with their last sink
  EXPECT_TRUE(receives(*sinks[0], "video/x-vp8"));
}

TEST_F(FormatAdapterTest, OneDecoderAndOneEncoderPerTargetFormat) {
  Consumer& vp8 = connect("video/x-vp8");
  Consumer& h264a = connect("video/x-h264");
  Consumer& h264b = connect("video/x-h264");
  Consumer& raw = connect("video/x-raw");
  ASSERT_EQ(gst_element_set_state(pipeline_, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  EXPECT_TRUE(receives(vp8, "video/x-vp8"));
  EXPECT_TRUE(receives(h264a, "video/x-h264"));
  EXPECT_TRUE(receives(h264b, "video/x-h264"));
  EXPECT_TRUE(receives(raw, "video/x-raw"));
  EXPECT_EQ(adapter_->decoders(), 1u);
  EXPECT_EQ(adapter_->encoders(), 1u);
  EXPECT_TRUE(adapter_->transcoding());
  for (Consumer* consumer : {&vp8, &h264a, &h264b, &raw}) {
    EXPECT_TRUE(consumer->adapted);
  }

  // A sink that joins later shares the running encoder and still starts at a keyframe.
  Consumer& late = connect("video/x-h264");
  EXPECT_TRUE(receives(late, "video/x-h264"));
  EXPECT_EQ(adapter_->encoders(), 1u);

  // Sinks change their mind and leave: the encoder goes with its last sink, the decoder
  // with the last sink of raw media; the others keep receiving.
  adapter_->setWanted(h264b.ghost, nullptr);
  adapter_->detach(h264a.ghost);
  adapter_->detach(late.ghost);
  EXPECT_EQ(adapter_->encoders(), 0u);
  EXPECT_EQ(adapter_->decoders(), 1u);
  EXPECT_TRUE(receives(raw, "video/x-raw"));
  EXPECT_TRUE(receives(h264b, "video/x-vp8"));
  adapter_->detach(raw.ghost);
  EXPECT_EQ(adapter_->decoders(), 0u);
  EXPECT_FALSE(adapter_->transcoding());
  EXPECT_TRUE(receives(vp8, "video/x-vp8"));
  EXPECT_EQ(reports_, (std::vector<bool>{true, false}));
}

TEST_F(FormatAdapterTest, SinkAskingForAnUnknownFormatGetsTheStreamAsIs) {
  Consumer& odd = connect("video/x-theora");
  ASSERT_EQ(gst_element_set_state(pipeline_, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  EXPECT_TRUE(receives(odd, "video/x-vp8"));
  EXPECT_FALSE(odd.adapted);
  EXPECT_EQ(adapter_->encoders(), 0u);
}

// Every VP8 frame of the source claims a first partition longer than the frame (the 19-bit
// size of its frame tag set to the maximum): no decoder can decode it.
GstPadProbeReturn corruptFrame(GstPad*, GstPadProbeInfo* info, gpointer) {
  GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  GstMapInfo map;
  if (gst_buffer_map(buffer, &map, GST_MAP_READWRITE)) {
    if (map.size >= 3) {
      map.data[0] |= 0xe0;
      map.data[1] = 0xff;
      map.data[2] = 0xff;
    }
    gst_buffer_unmap(buffer, &map);
  }
  return GST_PAD_PROBE_OK;
}

TEST_F(FormatAdapterTest, CorruptStreamIntoTheSharedDecoderEndsInAnError) {
  GstElement* source = gst_bin_get_by_name(GST_BIN(pipeline_), "source");
  GstPad* encoded = gst_element_get_static_pad(source, "src");
  gst_pad_add_probe(encoded, GST_PAD_PROBE_TYPE_BUFFER, &corruptFrame, nullptr, nullptr);
  gst_object_unref(encoded);
  gst_object_unref(source);
  Consumer& vp8 = connect("video/x-vp8");
  Consumer& raw = connect("video/x-raw");
  Consumer& h264 = connect("video/x-h264");
  ASSERT_EQ(gst_element_set_state(pipeline_, GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
  EXPECT_TRUE(receives(vp8, "video/x-vp8"));  // forwarded (still corrupt) meanwhile
  EXPECT_EQ(adapter_->decoders(), 1u);
  // 30 frames a second, none decodable: the decoder gives up after its error limit (150
  // before a first picture), about 5 s; not waiting for ever.
  GstBus* bus = gst_element_get_bus(pipeline_);
  GstMessage* message = gst_bus_timed_pop_filtered(bus, 30 * GST_SECOND, GST_MESSAGE_ERROR);
  gst_object_unref(bus);
  ASSERT_NE(message, nullptr) << "no error for a stream that stays undecodable";
  gchar* path = gst_object_get_path_string(GST_MESSAGE_SRC(message));
  const std::string from = path;
  g_free(path);
  gst_message_unref(message);
  EXPECT_NE(from.find("adapter_video_decoder"), std::string::npos) << from;
  EXPECT_EQ(raw.buffers, 0);  // nothing decoded, nothing encoded
  EXPECT_EQ(h264.buffers, 0);
}

}  // namespace
}  // namespace kurento

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
