// kms::keepFailuresDownstream on real GStreamer pipelines: a tee's branch that fails (an error,
// an early EOS) no longer stops the source, so the other branch gets every buffer.
#include <kms/sdk/Gst.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace {

constexpr int kBuffers = 60;

struct Outcome {
  int healthyBuffers = 0;
  bool healthyEos = false;
};

// videotestsrc ! tee, one branch "queue ! fakesink" counted, the other "queue ! <failing>".
Outcome runPipeline(const std::string& failing, bool keep) {
  const std::string description = "videotestsrc num-buffers=" + std::to_string(kBuffers) +
                                  " ! video/x-raw,width=64,height=48 ! tee name=t "
                                  "t. ! queue name=healthy ! fakesink name=counted signal-handoffs=true "
                                  "t. ! queue name=failing ! " + failing + " ! fakesink";
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  EXPECT_EQ(error, nullptr) << (error != nullptr ? error->message : "");
  if (keep) {
    GstElement* queue = gst_bin_get_by_name(GST_BIN(pipeline), "failing");
    GstPad* sink = gst_element_get_static_pad(queue, "sink");
    kms::keepFailuresDownstream(sink);
    kms::keepFailuresDownstream(sink);  // a second call changes nothing
    gst_object_unref(sink);
    gst_object_unref(queue);
  }
  std::atomic<int> count{0};
  std::atomic<bool> eos{false};
  GstElement* counted = gst_bin_get_by_name(GST_BIN(pipeline), "counted");
  g_signal_connect(counted, "handoff",
                   G_CALLBACK(+[](GstElement*, GstBuffer*, GstPad*, gpointer data) {
                     ++*static_cast<std::atomic<int>*>(data);
                   }),
                   &count);
  // The healthy branch's end (the pipeline's EOS needs the failed branch's too).
  GstPad* countedSink = gst_element_get_static_pad(counted, "sink");
  gst_pad_add_probe(countedSink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                    +[](GstPad*, GstPadProbeInfo* info, gpointer data) {
                      if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_EOS) {
                        *static_cast<std::atomic<bool>*>(data) = true;
                      }
                      return GST_PAD_PROBE_OK;
                    },
                    &eos, nullptr);
  gst_object_unref(countedSink);
  gst_object_unref(counted);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  // 60 small frames take well under a second; a stopped source never gets there: 5 s at most.
  for (int i = 0; i < 100 && !eos.load(); ++i) {
    g_usleep(50 * 1000);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  return Outcome{count.load(), eos.load()};
}

class KeepFailuresTest : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { gst_init(nullptr, nullptr); }
};

TEST_P(KeepFailuresTest, TheOtherBranchGetsEveryBuffer) {
  const Outcome run = runPipeline(GetParam(), true);
  EXPECT_EQ(run.healthyBuffers, kBuffers);
  EXPECT_TRUE(run.healthyEos);
}

TEST_P(KeepFailuresTest, WithoutItTheFailingBranchStopsTheSource) {
  const Outcome run = runPipeline(GetParam(), false);
  EXPECT_LT(run.healthyBuffers, kBuffers) << "the failing branch must fail for this test to mean anything";
}

INSTANTIATE_TEST_SUITE_P(Failures, KeepFailuresTest,
                         testing::Values("identity error-after=5", "identity eos-after=5"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return std::string(info.index == 0 ? "Error" : "EarlyEos");
                         });

}  // namespace
