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
// A live aggregator (`factory`: compositor, audiomixer) inside `bin`; throws like addElement.
// It waits for inputs that join later through a jitter buffer and a decoder instead of
// dropping their late frames, skips inputs that have sent nothing yet, and is made with
// force-live: it mixes on the clock whatever its latency query answers. Without it, a latency
// query that failed (a source not yet negotiated) made it wait for data on every input, and
// a first deadline reached before any input had a buffer (a new member's silence still
// starting on a loaded machine) ended its stream (EOS): that member heard nothing for good.
GstElement* addLiveAggregator(GstBin* bin, const char* factory);
// Makes a port's input chain (from addBin) answer the latency query as an idle live source when
// nothing upstream answers it (a port nothing is connected to yet). One failed answer would
// make the whole aggregator non-live: it would then wait for every input forever, and the first
// participant that stalls (or a port used only for output) would stop the room.
void answerLatencyWhenIdle(GstElement* input);
// Keeps a failure of one branch of a tee (`branch`, the queue a tee pad feeds) out of the
// hub: what the branch's queue returns when it has stopped (EOS or an error from a consumer,
// a port being torn down) goes no further than the branch. The tee would otherwise hand it
// back to its source, which stops: one consumer froze the room for every port.
void isolateBranch(GstElement* branch);
// Answers the serialized queries (ALLOCATION, DRAIN) that reach `pad`, the source pad feeding
// an aggregator's input, instead of passing them on: an aggregator answers them from its own
// streaming thread only, so while it is paused (an input torn down, the room being released)
// the thread that asked waits forever with its stream lock held, and the release that needs
// that lock hangs (the server did not stop at SIGTERM after a group call). Upstream then
// allocates by itself, which is what the aggregator would have let it do.
void keepSerializedQueriesOut(GstPad* pad);

}  // namespace kurento::hubs
