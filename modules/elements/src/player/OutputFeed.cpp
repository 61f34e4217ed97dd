#include "OutputFeed.hpp"

#include "rtp/MediaPaths.hpp"

#include <kms/sdk/Gst.hpp>

namespace kurento::player {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-player-feed", "Player output feed");
constexpr const char* kEndOfStream = "kms-end-of-stream";
}  // namespace
#define GST_CAT_DEFAULT kCat

GstEvent* newEndOfStreamEvent() {
  return gst_event_new_custom(GST_EVENT_CUSTOM_DOWNSTREAM, gst_structure_new_empty(kEndOfStream));
}

bool isEndOfStreamEvent(GstEvent* event) {
  return GST_EVENT_TYPE(event) == GST_EVENT_CUSTOM_DOWNSTREAM &&
         gst_event_has_name(event, kEndOfStream);
}

OutputFeed::OutputFeed(GstBin* bin, GstPad* output, const char* name)
    : appsrc_(gst_element_factory_make("appsrc", name)) {
  gst_bin_add(bin, appsrc_);
  g_object_set(appsrc_, "is-live", TRUE, "format", GST_FORMAT_TIME, "do-timestamp", FALSE,
               "max-bytes", static_cast<guint64>(8 * 1024 * 1024), "block", FALSE, nullptr);
  GstPad* src = gst_element_get_static_pad(appsrc_, "src");
  gst_pad_link(src, output);
  gst_object_unref(src);
  gst_element_sync_state_with_parent(appsrc_);
}

GstClockTime OutputFeed::toElementTime(GstClockTime runningTime, GstElement* from) const {
  if (!GST_CLOCK_TIME_IS_VALID(runningTime)) {
    return GST_CLOCK_TIME_NONE;
  }
  // Both pipelines share one clock: absolute time = base time + running time.
  const GstClockTime absolute = gst_element_get_base_time(from) + runningTime;
  const GstClockTime base = gst_element_get_base_time(appsrc_);
  return absolute > base ? absolute - base : 0;
}

void OutputFeed::push(GstSample* sample, GstElement* from) {
  GstBuffer* in = gst_sample_get_buffer(sample);
  const GstSegment* segment = gst_sample_get_segment(sample);
  if (in == nullptr || segment == nullptr) {
    return;
  }
  GstBuffer* out = gst_buffer_copy(in);  // metadata only: the memory is shared
  GstClockTime pts = toElementTime(
      gst_segment_to_running_time(segment, GST_FORMAT_TIME, GST_BUFFER_PTS(in)), from);
  GstClockTime dts = toElementTime(
      gst_segment_to_running_time(segment, GST_FORMAT_TIME, GST_BUFFER_DTS(in)), from);
  std::lock_guard<std::mutex> lock(mutex_);
  // Decoding order must not go back in time (a seek, a restart): shift onto the last time.
  GstClockTime& order = GST_CLOCK_TIME_IS_VALID(dts) ? dts : pts;
  if (GST_CLOCK_TIME_IS_VALID(order) && GST_CLOCK_TIME_IS_VALID(lastTime_) &&
      order < lastTime_) {
    const GstClockTime shift = lastTime_ - order;
    pts = GST_CLOCK_TIME_IS_VALID(pts) ? pts + shift : pts;
    dts = GST_CLOCK_TIME_IS_VALID(dts) ? dts + shift : dts;
  }
  if (GST_CLOCK_TIME_IS_VALID(order)) {
    lastTime_ = order;
  }
  GST_BUFFER_PTS(out) = pts;
  GST_BUFFER_DTS(out) = dts;
  if (discont_) {
    GST_BUFFER_FLAG_SET(out, GST_BUFFER_FLAG_DISCONT);
    discont_ = false;
  }
  GstCaps* caps = gst_sample_get_caps(sample);
  if (caps != nullptr && (caps_ == nullptr || !gst_caps_is_equal(caps, caps_))) {
    gst_caps_replace(&caps_, caps);
    gst_app_src_set_caps(GST_APP_SRC(appsrc_), caps);
  }
  const GstFlowReturn flow = gst_app_src_push_buffer(GST_APP_SRC(appsrc_), out);
  if (flow != GST_FLOW_OK) {
    GST_DEBUG_OBJECT(appsrc_, "push: %s", gst_flow_get_name(flow));
  }
}

void OutputFeed::markDiscont() {
  std::lock_guard<std::mutex> lock(mutex_);
  discont_ = true;
}

OutputFeed::~OutputFeed() {
  if (caps_ != nullptr) {
    gst_caps_unref(caps_);
  }
}

void OutputFeed::endOfStream() {
  // The notice is pushed on the pad itself: let appsrc's queue drain first so that it
  // follows the last buffer (bounded: 50 x 10 ms).
  for (int i = 0; i < 50; ++i) {
    guint64 queued = 0;
    g_object_get(appsrc_, "current-level-bytes", &queued, nullptr);
    if (queued == 0) {
      break;
    }
    g_usleep(10 * 1000);
  }
  GstPad* src = gst_element_get_static_pad(appsrc_, "src");
  gst_pad_push_event(src, newEndOfStreamEvent());
  gst_object_unref(src);
}

}  // namespace kurento::player
