// The graph around a GStreamerFilter's command: decodebin ! convert ! <command> ! convert !
// output, for raw audio or raw video, and the parsing and checking of the command.
#pragma once

#include "filtersTypes.hpp"

#include <kms/sdk/Gst.hpp>

#include <gst/gst.h>

#include <string>
#include <vector>

namespace kurento::filters {

// Parses `command` into a bin with one ghost sink and one ghost source pad; throws
// KurentoException(kMediaObjectIllegalParamError) with GStreamer's message when it does not
// parse, with the element policy's reason when an element is refused, and when the pads are
// missing or not of raw media. `type` AUTODETECT becomes AUDIO or VIDEO from the sink pad's
// caps (VIDEO when it takes both, as identity does).
kms::GRef<GstElement> parseFilterCommand(const std::string& command, FilterType& type);

// The top-level elements of `bin` from the first of the chain (nearest its sink pad) to the
// last; `bin` keeps owning them.
std::vector<GstElement*> chainElements(GstBin* bin);

// Adds decodebin and the converters for `type` to `bin` around `filter` (already in `bin`),
// links the end to `output`, and returns the pad where media enters.
GstPad* buildFilterGraph(GstBin* bin, GstElement* filter, FilterType type, GstPad* output);

}  // namespace kurento::filters
