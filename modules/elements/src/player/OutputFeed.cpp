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
    : element_(GST_ELEMENT(bin)), pad_(gst_pad_new(name, GST_PAD_SRC)) {
  gst_object_ref_sink(pad_);
  gst_pad_set_query_function(pad_, &OutputFeed::onQuery);
  gst_pad_set_active(pad_, TRUE);
  const GstPadLinkReturn linked = gst_pad_link(pad_, output);
  if (linked != GST_PAD_LINK_OK) {
    GST_ERROR("%s: cannot link to the element's output: %s", name,
              gst_pad_link_get_name(linked));
  }
}

OutputFeed::~OutputFeed() {
  gst_pad_set_active(pad_, FALSE);
  GstPad* peer = gst_pad_get_peer(pad_);
  if (peer != nullptr) {
    gst_pad_unlink(pad_, peer);
    gst_object_unref(peer);
  }
  gst_object_unref(pad_);
  if (caps_ != nullptr) {
    gst_caps_unref(caps_);
  }
}

gboolean OutputFeed::onQuery(GstPad* pad, GstObject* parent, GstQuery* query) {
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_LATENCY:
      // A live source: what it pushes is due at once, in real time.
      gst_query_set_latency(query, TRUE, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    case GST_QUERY_CAPS: {
      GstCaps* current = gst_pad_get_current_caps(pad);
      GstCaps* caps = current != nullptr ? current : gst_caps_new_any();
      gst_query_set_caps_result(query, caps);
      gst_caps_unref(caps);
      return TRUE;
    }
    default:
      return gst_pad_query_default(pad, parent, query);
  }
}

GstClockTime OutputFeed::toElementTime(GstClockTime runningTime, GstElement* from) const {
  if (!GST_CLOCK_TIME_IS_VALID(runningTime)) {
    return GST_CLOCK_TIME_NONE;
  }
  // Both pipelines share one clock: absolute time = base time + running time.
  const GstClockTime absolute = gst_element_get_base_time(from) + runningTime;
  const GstClockTime base = gst_element_get_base_time(element_);
  return absolute > base ? absolute - base : 0;
}

void OutputFeed::startStream(GstCaps* caps) {
  if (!started_) {
    gchar* id = gst_pad_create_stream_id(pad_, element_, GST_PAD_NAME(pad_));
    gst_pad_push_event(pad_, gst_event_new_stream_start(id));
    g_free(id);
  }
  if (caps != nullptr && (caps_ == nullptr || !gst_caps_is_equal(caps, caps_))) {
    gst_caps_replace(&caps_, caps);
    gst_pad_push_event(pad_, gst_event_new_caps(caps));
  }
  if (!started_) {
    // Times are the element pipeline's running times: a segment from 0 keeps them as they are.
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_pad_push_event(pad_, gst_event_new_segment(&segment));
    started_ = true;
  }
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
  startStream(gst_sample_get_caps(sample));
  const GstFlowReturn flow = gst_pad_push(pad_, out);
  if (flow != GST_FLOW_OK) {
    GST_DEBUG_OBJECT(pad_, "push: %s", gst_flow_get_name(flow));
  }
}

void OutputFeed::markDiscont() {
  std::lock_guard<std::mutex> lock(mutex_);
  discont_ = true;
}

void OutputFeed::endOfStream() {
  // Under the lock: the notice follows the last buffer pushed.
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_) {
    gst_pad_push_event(pad_, newEndOfStreamEvent());
  }
}

}  // namespace kurento::player
