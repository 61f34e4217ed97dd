// DispatcherOneToMany and Dispatcher with real GStreamer media, in-process: sources send VP8
// that makes keyframes only when asked; a viewer port decodes what it gets. Switching sources
// shows the new picture within a second and never a frame of anything else (a delta frame
// decoded without its keyframe would show neither colour).
#include "DispatcherImpl.hpp"
#include "DispatcherOneToManyImpl.hpp"
#include "HubPortImpl.hpp"
#include "MediaPipelineImpl.hpp"
#include "PassThroughImpl.hpp"
#include "TestContext.hpp"

#include <gst/app/gstappsink.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kurento {
namespace {

using Clock = std::chrono::steady_clock;

// What a viewer decodes: the colour of every frame, as it comes.
class Viewer {
 public:
  static GstFlowReturn onSample(GstAppSink* sink, gpointer data) {
    auto* self = static_cast<Viewer*>(data);
    GstSample* sample = gst_app_sink_pull_sample(sink);
    GstMapInfo map;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
      // The centre pixel of a 160x120 RGB picture (rows padded to 4 bytes: 480 already is).
      const size_t at = (60 * 160 + 80) * 3;
      if (at + 2 < map.size) {
        std::lock_guard<std::mutex> lock(self->mutex_);
        self->colours_.push_back(classify(map.data[at], map.data[at + 1], map.data[at + 2]));
      }
      gst_buffer_unmap(buffer, &map);
    }
    gst_sample_unref(sample);
    return GST_FLOW_OK;
  }
  static char classify(int r, int g, int b) {
    if (r > 180 && g < 80 && b < 80) return 'r';
    if (g > 180 && r < 80 && b < 80) return 'g';
    if (b > 180 && r < 80 && g < 80) return 'b';
    return '?';
  }
  std::string colours() {
    std::lock_guard<std::mutex> lock(mutex_);
    return colours_;
  }
  // Waits until the last frames are of `colour`.
  bool waitFor(char colour, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      const std::string seen = colours();
      if (seen.size() >= 3 && seen.substr(seen.size() - 3) == std::string(3, colour)) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  std::mutex mutex_;
  std::string colours_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pipeline_ = context_.add(std::make_shared<MediaPipelineImpl>(), "p_kurento.MediaPipeline");
  }

  // A PassThrough sending VP8 of one colour (keyframes only on request) into a new port of `hub`.
  std::shared_ptr<HubPortImpl> sourcePort(const std::shared_ptr<HubImpl>& hub,
                                          const char* pattern) {
    const std::string n = std::to_string(counter_++);
    auto source = context_.add(std::make_shared<PassThroughImpl>(pipeline_),
                               "p_kurento.MediaPipeline/s" + n + "_kurento.PassThrough");
    auto port = context_.add(std::make_shared<HubPortImpl>(hub),
                             "p_kurento.MediaPipeline/h" + n + "_kurento.HubPort");
    source->connect(port, MediaType::VIDEO, std::nullopt, std::nullopt);
    GError* error = nullptr;
    GstElement* bin = gst_parse_bin_from_description(
        (std::string("videotestsrc is-live=true pattern=") + pattern +
         " ! video/x-raw,width=160,height=120,framerate=30/1 ! "
         "vp8enc deadline=1 keyframe-max-dist=100000")
            .c_str(),
        TRUE, &error);
    EXPECT_NE(bin, nullptr);
    gst_bin_add(pipeline_->bin(), bin);
    GstPad* src = gst_element_get_static_pad(bin, "src");
    EXPECT_EQ(gst_pad_link(src, source->inputPad(MediaType::VIDEO)), GST_PAD_LINK_OK);
    gst_object_unref(src);
    gst_element_sync_state_with_parent(bin);
    sources_.push_back(source);
    return port;
  }

  // A port whose output is decoded into `viewer`.
  std::shared_ptr<HubPortImpl> viewerPort(const std::shared_ptr<HubImpl>& hub, Viewer& viewer) {
    const std::string n = std::to_string(counter_++);
    auto port = context_.add(std::make_shared<HubPortImpl>(hub),
                             "p_kurento.MediaPipeline/h" + n + "_kurento.HubPort");
    GError* error = nullptr;
    GstElement* bin = gst_parse_bin_from_description(
        "queue ! vp8dec ! videoconvert ! video/x-raw,format=RGB ! "
        "appsink name=tap sync=false emit-signals=false",
        TRUE, &error);
    EXPECT_NE(bin, nullptr);
    gst_bin_add(port->bin(), bin);
    GstElement* appsink = gst_bin_get_by_name(GST_BIN(bin), "tap");
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &Viewer::onSample;
    gst_app_sink_set_callbacks(GST_APP_SINK(appsink), &callbacks, &viewer, nullptr);
    gst_object_unref(appsink);
    gst_element_sync_state_with_parent(bin);
    GstElement* tee = gst_bin_get_by_name(port->bin(), "out_video");
    GstPad* teePad = gst_element_request_pad_simple(tee, "src_%u");
    GstPad* sinkPad = gst_element_get_static_pad(bin, "sink");
    EXPECT_EQ(gst_pad_link(teePad, sinkPad), GST_PAD_LINK_OK);
    gst_object_unref(sinkPad);
    gst_object_unref(teePad);
    gst_object_unref(tee);
    return port;
  }

  kms::test::TestContext context_;
  std::shared_ptr<MediaPipelineImpl> pipeline_;
  std::vector<std::shared_ptr<PassThroughImpl>> sources_;
  int counter_ = 0;
};

// Every frame the viewer decoded is of a source's colour: never a broken one.
void expectOnlyColours(const std::string& seen, const std::string& allowed) {
  EXPECT_EQ(seen.find_first_not_of(allowed), std::string::npos) << seen;
}

TEST_F(DispatcherTest, OneToManySwitchesSourcesOnAKeyframe) {
  auto hub = context_.add(std::make_shared<DispatcherOneToManyImpl>(pipeline_),
                          "p_kurento.MediaPipeline/d_kurento.DispatcherOneToMany");
  auto red = sourcePort(hub, "red");
  auto green = sourcePort(hub, "green");
  Viewer viewer;
  auto watching = viewerPort(hub, viewer);
  Viewer late;
  hub->setSource(red);
  ASSERT_TRUE(viewer.waitFor('r', std::chrono::seconds(5))) << viewer.colours();
  auto lateWatching = viewerPort(hub, late);  // joins after setSource: gets the source too
  ASSERT_TRUE(late.waitFor('r', std::chrono::seconds(5))) << late.colours();

  for (int round = 0; round < 3; ++round) {
    const bool toGreen = round % 2 == 0;
    const auto switched = Clock::now();
    hub->setSource(toGreen ? green : red);
    ASSERT_TRUE(viewer.waitFor(toGreen ? 'g' : 'r', std::chrono::seconds(1)))
        << "round " << round << ": " << viewer.colours();
    std::cout << "switch " << round << ": new picture after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - switched).count()
              << " ms\n";
  }
  expectOnlyColours(viewer.colours(), "rg");
  expectOnlyColours(late.colours(), "rg");

  hub->removeSource();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const size_t stopped = viewer.colours().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_LE(viewer.colours().size(), stopped + 1);
}

TEST_F(DispatcherTest, DispatcherRoutesEachSinkFromItsOwnSource) {
  auto hub = context_.add(std::make_shared<DispatcherImpl>(pipeline_),
                          "p_kurento.MediaPipeline/d_kurento.Dispatcher");
  auto red = sourcePort(hub, "red");
  auto blue = sourcePort(hub, "blue");
  Viewer first;
  Viewer second;
  auto firstPort = viewerPort(hub, first);
  auto secondPort = viewerPort(hub, second);
  hub->connect(red, firstPort);
  hub->connect(blue, secondPort);
  ASSERT_TRUE(first.waitFor('r', std::chrono::seconds(5))) << first.colours();
  ASSERT_TRUE(second.waitFor('b', std::chrono::seconds(5))) << second.colours();
  hub->connect(blue, firstPort);
  ASSERT_TRUE(first.waitFor('b', std::chrono::seconds(1))) << first.colours();
  EXPECT_TRUE(second.waitFor('b', std::chrono::seconds(1)));
  expectOnlyColours(first.colours(), "rb");

  // A port of another hub is refused, naming it.
  auto other = context_.add(std::make_shared<DispatcherImpl>(pipeline_),
                            "p_kurento.MediaPipeline/o_kurento.Dispatcher");
  auto stranger = context_.add(std::make_shared<HubPortImpl>(other),
                               "p_kurento.MediaPipeline/x_kurento.HubPort");
  try {
    hub->connect(stranger, firstPort);
    FAIL() << "a port of another hub must be refused";
  } catch (const kms::KurentoException& error) {
    EXPECT_EQ(error.code(), kms::ErrorCode::kMediaObjectIllegalParamError);
    EXPECT_NE(std::string(error.what()).find("is not a HubPort of"), std::string::npos);
  }

  // The source leaving stops what its sinks receive.
  context_.release(*blue);
  const size_t before = second.colours().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_LE(second.colours().size(), before + 2);
}

}  // namespace
}  // namespace kurento

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
