// The way media made in a private pipeline (a player's or an upload's) enters the element's
// pipeline: an appsrc per media type feeding the element's output, with each buffer's time
// moved from the private pipeline's running time to the element pipeline's.
#pragma once

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
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
  // Adds an appsrc to `bin` and links it to `output` (the element's output tee).
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

  GstElement* appsrc_;  // owned by the element's bin
  std::mutex mutex_;
  GstCaps* caps_ = nullptr;  // the caps last set on appsrc_ (owned)
  GstClockTime lastTime_ = GST_CLOCK_TIME_NONE;
  bool discont_ = true;
};

}  // namespace kurento::player
