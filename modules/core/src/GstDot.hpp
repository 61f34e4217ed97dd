// Graphviz dumps of bins for getGstreamerDot / dumpGstreamerDot.
#pragma once

#include "coreTypes.hpp"

#include <gst/gst.h>

#include <optional>
#include <string>

namespace kurento {

// The DOT text of `bin` with the requested details (SHOW_ALL when absent).
std::string binToDot(GstBin* bin, const std::optional<GstreamerDotDetails>& details);

// Writes the DOT file of `bin` into $GST_DEBUG_DUMP_DOT_DIR as `<name>.dot`; throws
// KurentoException(40111) naming the variable when it is not set.
void dumpBinToDotFile(GstBin* bin, const std::string& name,
                      const std::optional<GstreamerDotDetails>& details);

}  // namespace kurento
