#include "MediaPipelineImpl.hpp"

#include "GstDot.hpp"

#include <kms/sdk/Error.hpp>

#include <gst/base/gstaggregator.h>

#include <malloc.h>

#include <mutex>
#include <vector>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-pipeline", "MediaPipeline");

// A released call keeps freeing after its pipeline is gone: its streaming, RTCP and ICE
// threads wind down, and the endpoints' last references go. Those frees came after the
// destructor's trim and stayed resident (~1 MiB after 300 sessions, given back by a trim at the
// end: /proc/PID/smaps, bench/webrtc/webrtc_churn.cpp). A second trim a little later takes
// them too; releases while one is pending make it trim once more after that.
constexpr guint kLateTrimMs = 1000;
std::mutex lateTrimMutex;
guint lateTrimTimer = 0;
bool lateTrimAgain = false;

gboolean onLateTrim(gpointer) {
  malloc_trim(0);
  std::lock_guard<std::mutex> lock(lateTrimMutex);
  if (lateTrimAgain) {
    lateTrimAgain = false;
    return G_SOURCE_CONTINUE;
  }
  lateTrimTimer = 0;
  return G_SOURCE_REMOVE;
}

void trimAgainLater() {
  std::lock_guard<std::mutex> lock(lateTrimMutex);
  if (lateTrimTimer != 0) {
    lateTrimAgain = true;
    return;
  }
  lateTrimTimer = g_timeout_add_full(G_PRIORITY_LOW, kLateTrimMs, &onLateTrim, nullptr, nullptr);
}

// Stops the sinks of `pipeline` (the leaves, not the bins holding them), then its aggregators,
// before the pipeline itself: both hold a streaming thread of upstream while PAUSED (a sink
// in preroll, a live aggregator's full input). A bin stops its sinks first, but a hub makes a
// loop of bins (a port's bin feeds the hub's, which feeds the port's bin back: "loop detected
// in the graph"), so the order is arbitrary there, and an element upstream, stopped before
// them, waited for that held thread's stream lock: the release hung (MixingHubsTest at exit
// under ASan: main thread in gst_pad_set_active from ~MediaPipelineImpl, a queue's thread in
// gst_base_sink_wait_preroll, or queues' threads blocked in the compositor's inputs). Each is
// locked so that it stays stopped while the pipeline goes down.
void stopHoldersFirst(GstElement* pipeline) {
  std::vector<kms::GRef<GstElement>> sinks;
  std::vector<kms::GRef<GstElement>> aggregators;
  GstIterator* elements = gst_bin_iterate_recurse(GST_BIN(pipeline));
  GValue item = G_VALUE_INIT;
  for (GstIteratorResult next = gst_iterator_next(elements, &item); next != GST_ITERATOR_DONE &&
                                                                    next != GST_ITERATOR_ERROR;
       next = gst_iterator_next(elements, &item)) {
    if (next == GST_ITERATOR_RESYNC) {  // an element came or went meanwhile: start again
      sinks.clear();
      aggregators.clear();
      gst_iterator_resync(elements);
      continue;
    }
    auto* element = GST_ELEMENT(g_value_get_object(&item));
    if (GST_IS_AGGREGATOR(element)) {
      aggregators.push_back(kms::GRef<GstElement>::share(element));
    } else if (!GST_IS_BIN(element) && GST_OBJECT_FLAG_IS_SET(element, GST_ELEMENT_FLAG_SINK)) {
      sinks.push_back(kms::GRef<GstElement>::share(element));
    }
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(elements);
  for (const auto* group : {&sinks, &aggregators}) {
    for (const auto& element : *group) {
      gst_element_set_locked_state(element.get(), TRUE);
      gst_element_set_state(element.get(), GST_STATE_NULL);
    }
  }
}
}  // namespace
#define GST_CAT_DEFAULT kCat

MediaPipelineImpl::MediaPipelineImpl()
    : pipeline_(kms::GRef<GstElement>::adopt(gst_pipeline_new(nullptr))) {
  if (!pipeline_) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "GStreamer could not create a pipeline");
  }
  kms::GRef<GstBus> bus = kms::GRef<GstBus>::adopt(gst_element_get_bus(pipeline_.get()));
  // Errors must reach clients even without a main loop: handle them synchronously.
  gst_bus_set_sync_handler(bus.get(), &MediaPipelineImpl::onBusMessage, this, nullptr);
}

MediaPipelineImpl::~MediaPipelineImpl() {
  kms::GRef<GstBus> bus = kms::GRef<GstBus>::adopt(gst_element_get_bus(pipeline_.get()));
  gst_bus_set_sync_handler(bus.get(), nullptr, nullptr, nullptr);
  stopHoldersFirst(pipeline_.get());
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  bus = kms::GRef<GstBus>();
  pipeline_ = kms::GRef<GstElement>();  // the elements are finalized here
  // A call's pipeline frees megabytes in many small blocks spread over glibc's per-thread
  // arenas, which keep them: without giving them back, a server's RSS grew ~40 KiB per
  // released WebRTC session while its live heap did not (bench/webrtc/webrtc_churn.cpp).
  malloc_trim(0);
  trimAgainLater();
}

void MediaPipelineImpl::postConstructor() {
  gst_object_set_name(GST_OBJECT(pipeline_.get()), id().c_str());
  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "pipeline " + id() + " could not be started");
  }
  GST_INFO("pipeline %s created", id().c_str());
}

void MediaPipelineImpl::releaseResources() {
  stopHoldersFirst(pipeline_.get());
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  GST_INFO("pipeline %s released", id().c_str());
}

GstBusSyncReply MediaPipelineImpl::onBusMessage(GstBus*, GstMessage* message, gpointer self) {
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    static_cast<MediaPipelineImpl*>(self)->handleError(message);
  } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_LATENCY) {
    // Live elements added while playing change the latency; recompute it outside the
    // streaming thread that posted the message.
    g_idle_add_full(
        G_PRIORITY_DEFAULT_IDLE,
        [](gpointer pipeline) {
          gst_bin_recalculate_latency(GST_BIN(pipeline));
          return G_SOURCE_REMOVE;
        },
        gst_object_ref(static_cast<MediaPipelineImpl*>(self)->pipeline_.get()), gst_object_unref);
  }
  // A sync handler that drops a message owns it: without this unref every state change leaks
  // a message, and each message keeps the pipeline alive.
  gst_message_unref(message);
  return GST_BUS_DROP;
}

void MediaPipelineImpl::handleError(GstMessage* message) const {
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &error, &debug);
  const std::string source = GST_OBJECT_NAME(GST_MESSAGE_SRC(message));
  const std::string description = source + ": " + (error != nullptr ? error->message : "?");
  GST_ERROR("pipeline %s: %s (%s)", id().c_str(), description.c_str(),
            debug != nullptr ? debug : "");
  raiseMediaError("UNEXPECTED_ERROR", description,
                  static_cast<int32_t>(kms::ErrorCode::kUnexpectedError));
  g_clear_error(&error);
  g_free(debug);
}

std::string MediaPipelineImpl::getGstreamerDot(
    const std::optional<GstreamerDotDetails>& details) {
  return binToDot(bin(), details);
}

void MediaPipelineImpl::dumpGstreamerDot(const std::optional<GstreamerDotDetails>& details) {
  dumpBinToDotFile(bin(), id(), details);
}

bool MediaPipelineImpl::getLatencyStats() { return latencyStats_.load(); }

void MediaPipelineImpl::setLatencyStats(const bool& latencyStats) {
  latencyStats_.store(latencyStats);
}

}  // namespace kurento
