// The way media made in a private pipeline (a player's or an upload's) enters the element's
// pipeline: a source pad per media type linked to the element's output, on which the private
// pipeline's streaming thread pushes each buffer itself (no queue, no thread of its own: one
// hand-off less per buffer), with its time moved from the private pipeline's running time to
// the element pipeline's.
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include <cstdint>
#include <mutex>

namespace kurento::player {

// A serialized downstream event that tells sinks (a recorder with stopOnEndOfStream) that the
// source reached its end, without the GStreamer EOS that would end the sinks' pads for good.
GstEvent* newEndOfStreamEvent();
bool isEndOfStreamEvent(GstEvent* event);

class OutputFeed {
 public:
  // Makes a source pad named `name` of `bin`'s element and links it to `output` (the
  // element's output).
  OutputFeed(GstBin* bin, GstPad* output, const char* name);
  ~OutputFeed();
  OutputFeed(const OutputFeed&) = delete;
  OutputFeed& operator=(const OutputFeed&) = delete;

  // Pushes `sample` (from an appsink of the pipeline `from`, which runs on the same clock as
  // the element pipeline) with its times moved to the element pipeline; thread-safe.
  void push(GstSample* sample, GstElement* from);
  // After a seek or a restart: the next buffer is marked DISCONT.
  void markDiscont();
  // Sends the end-of-stream notice downstream.
  void endOfStream();

 private:
  GstClockTime toElementTime(GstClockTime runningTime, GstElement* from) const;
  // The sticky events a stream starts with; called with mutex_ held.
  void startStream(GstCaps* caps);
  static gboolean onQuery(GstPad* pad, GstObject* parent, GstQuery* query);

  GstElement* const element_;  // the element's bin (borrowed): its clock and base time
  GstPad* pad_;                // owned
  std::mutex mutex_;           // one pusher at a time: buffers and events stay in order
  GstCaps* caps_ = nullptr;    // the caps last sent (owned)
  bool started_ = false;
  GstClockTime lastTime_ = GST_CLOCK_TIME_NONE;
  bool discont_ = true;
};

}  // namespace kurento::player
