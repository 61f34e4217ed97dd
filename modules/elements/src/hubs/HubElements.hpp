// Small GStreamer helpers shared by the hubs' graphs.
#pragma once

#include <gst/gst.h>

#include <string>

namespace kurento::hubs {

// Makes `factory` inside `bin`; throws NOT_ENOUGH_RESOURCES naming a missing plugin.
GstElement* addElement(GstBin* bin, const char* factory);
// A bin from gst-launch syntax with ghost pads, inside `bin`; throws NOT_ENOUGH_RESOURCES.
GstElement* addBin(GstBin* bin, const std::string& description);
// Stops `element` and takes it out of `bin`.
void stopAndRemove(GstBin* bin, GstElement* element);
// Live aggregators (compositor, audiomixer) wait for inputs that join later through a jitter
// buffer and a decoder instead of dropping their late frames.
void setLiveLatency(GstElement* aggregator);
// Makes a port's input chain (from addBin) answer the latency query as an idle live source when
// nothing upstream answers it (a port nothing is connected to yet). One failed answer would
// make the whole aggregator non-live: it would then wait for every input forever, and the first
// participant that stalls (or a port used only for output) would stop the room.
void answerLatencyWhenIdle(GstElement* input);

}  // namespace kurento::hubs
