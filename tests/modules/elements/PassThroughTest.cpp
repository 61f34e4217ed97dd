// PassThrough with real GStreamer media: test sources feed it, an appsink counts what leaves.
#include "MediaPipelineImpl.hpp"
#include "PassThroughImpl.hpp"
#include "TestContext.hpp"

#include <gst/app/gstappsink.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace kurento {
namespace {

constexpr int kWaitMs = 5000;

class PassThroughTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pipeline_ = context_.add(std::make_shared<MediaPipelineImpl>(), "p_kurento.MediaPipeline");
  }

  std::shared_ptr<PassThroughImpl> makePassThrough(const std::string& name) {
    return context_.add(std::make_shared<PassThroughImpl>(pipeline_),
                        "p_kurento.MediaPipeline/" + name + "_kurento.PassThrough");
  }

  // A live test source of `type` linked into `element`'s input.
  void feed(PassThroughImpl& element, MediaType type) {
    const char* description =
        type == MediaType::VIDEO
            ? "videotestsrc is-live=true ! capsfilter caps=video/x-raw,width=320,height=240"
            : "audiotestsrc is-live=true ! capsfilter caps=audio/x-raw,rate=48000,channels=1";
    GError* error = nullptr;
    GstElement* source = gst_parse_bin_from_description(description, TRUE, &error);
    ASSERT_NE(source, nullptr) << (error != nullptr ? error->message : "");
    gst_bin_add(pipeline_->bin(), source);
    GstPad* src = gst_element_get_static_pad(source, "src");
    ASSERT_EQ(gst_pad_link(src, element.inputPad(type)), GST_PAD_LINK_OK);
    gst_object_unref(src);
    gst_element_sync_state_with_parent(source);
  }

  // Counts the buffers that leave `element`'s output of `type` (a fakesink inside its bin).
  void tapOutput(PassThroughImpl& element, MediaType type, std::atomic<int>& buffers) {
    GstElement* tee = gst_bin_get_by_name(element.bin(), type == MediaType::VIDEO
                                                             ? "out_video" : "out_audio");
    ASSERT_NE(tee, nullptr);
    GstElement* sink = gst_element_factory_make("fakesink", nullptr);
    g_object_set(sink, "signal-handoffs", TRUE, "sync", FALSE, "async", FALSE, nullptr);
    g_signal_connect(sink, "handoff",
                     G_CALLBACK(+[](GstElement*, GstBuffer*, GstPad*, gpointer counter) {
                       static_cast<std::atomic<int>*>(counter)->fetch_add(1);
                     }),
                     &buffers);
    gst_bin_add(element.bin(), sink);
    gst_element_sync_state_with_parent(sink);
    GstPad* teePad = gst_element_request_pad_simple(tee, "src_%u");
    GstPad* sinkPad = gst_element_get_static_pad(sink, "sink");
    ASSERT_EQ(gst_pad_link(teePad, sinkPad), GST_PAD_LINK_OK);
    gst_object_unref(sinkPad);
    gst_object_unref(teePad);
    gst_object_unref(tee);
  }

  static bool waitFor(const std::function<bool()>& condition, int timeoutMs = kWaitMs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
  }

  kms::test::TestContext context_;
  std::shared_ptr<MediaPipelineImpl> pipeline_;
};

TEST_F(PassThroughTest, VideoAndAudioFlowThroughAChain) {
  auto first = makePassThrough("first");
  auto second = makePassThrough("second");
  first->connect(second, std::nullopt, std::nullopt, std::nullopt);
  std::atomic<int> video{0};
  std::atomic<int> audio{0};
  tapOutput(*second, MediaType::VIDEO, video);
  tapOutput(*second, MediaType::AUDIO, audio);
  feed(*first, MediaType::VIDEO);
  feed(*first, MediaType::AUDIO);

  EXPECT_TRUE(waitFor([&] { return video.load() >= 30 && audio.load() >= 30; }))
      << "video buffers " << video.load() << ", audio buffers " << audio.load();
  EXPECT_TRUE(second->isMediaFlowingIn(MediaType::VIDEO, "default"));
  EXPECT_TRUE(second->isMediaFlowingOut(MediaType::AUDIO, "default"));
  EXPECT_FALSE(second->isMediaTranscoding(MediaType::VIDEO, "default"));
  EXPECT_NE(context_.waitForEvent(second->id(), "MediaFlowInStateChanged",
                                  R"("state":"FLOWING","padName":"default","mediaType":"VIDEO")",
                                  kWaitMs),
            "");
}

TEST_F(PassThroughTest, DisconnectStopsTheFlowAndRaisesEvents) {
  auto first = makePassThrough("first");
  auto second = makePassThrough("second");
  first->connect(second, MediaType::VIDEO, std::nullopt, std::nullopt);
  EXPECT_NE(context_.waitForEvent(first->id(), "ElementConnected", R"("mediaType":"VIDEO")", 100),
            "");
  std::atomic<int> video{0};
  tapOutput(*second, MediaType::VIDEO, video);
  feed(*first, MediaType::VIDEO);
  ASSERT_TRUE(waitFor([&] { return video.load() >= 10; }));

  first->disconnect(second, MediaType::VIDEO, std::nullopt, std::nullopt);
  EXPECT_NE(context_.waitForEvent(first->id(), "ElementDisconnected", R"("mediaType":"VIDEO")",
                                  100),
            "");
  EXPECT_NE(context_.waitForEvent(second->id(), "MediaFlowInStateChanged",
                                  R"("state":"NOT_FLOWING")", kWaitMs),
            "");
  const int afterDisconnect = video.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(video.load(), afterDisconnect);
  EXPECT_FALSE(second->isMediaFlowingIn(MediaType::VIDEO, "default"));
}

TEST_F(PassThroughTest, ANewSourceReplacesTheOldOneForThatMediaType) {
  auto a = makePassThrough("a");
  auto b = makePassThrough("b");
  auto sink = makePassThrough("sink");
  a->connect(sink, MediaType::VIDEO, std::nullopt, std::nullopt);
  b->connect(sink, MediaType::VIDEO, std::nullopt, std::nullopt);
  EXPECT_TRUE(a->getSinkConnections(MediaType::VIDEO, std::nullopt).empty());
  auto sources = sink->getSourceConnections(MediaType::VIDEO, std::nullopt);
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0]->source, b);
  EXPECT_NE(context_.waitForEvent(a->id(), "ElementDisconnected", "VIDEO", 100), "");
}

TEST_F(PassThroughTest, ErrorsNameTheCause) {
  auto element = makePassThrough("element");
  auto otherPipeline =
      context_.add(std::make_shared<MediaPipelineImpl>(), "q_kurento.MediaPipeline");
  auto stranger = context_.add(std::make_shared<PassThroughImpl>(otherPipeline),
                               "q_kurento.MediaPipeline/s_kurento.PassThrough");
  try {
    element->connect(stranger, std::nullopt, std::nullopt, std::nullopt);
    FAIL() << "connecting across pipelines must fail";
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kConnectError);
    EXPECT_NE(std::string(error.what()).find("different pipelines"), std::string::npos);
  }
  try {
    element->connect(makePassThrough("other"), MediaType::DATA, std::nullopt, std::nullopt);
    FAIL() << "DATA has no pads on a PassThrough";
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kUnsupportedMediaType);
  }
  try {
    element->disconnect(stranger, std::nullopt, std::nullopt, std::nullopt);
    FAIL() << "disconnecting what is not connected must fail";
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kConnectError);
  }
}

TEST_F(PassThroughTest, ReleaseRemovesTheBinAndItsConnections) {
  auto first = makePassThrough("first");
  auto second = makePassThrough("second");
  first->connect(second, std::nullopt, std::nullopt, std::nullopt);
  context_.release(*first);
  EXPECT_TRUE(second->getSourceConnections(std::nullopt, std::nullopt).empty());
  GstElement* found = gst_bin_get_by_name(pipeline_->bin(), first->id().c_str());
  EXPECT_EQ(found, nullptr);
  if (found != nullptr) {
    gst_object_unref(found);
  }
}

}  // namespace
}  // namespace kurento

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
