#include "GstDot.hpp"

#include <kms/sdk/Error.hpp>

#include <cstdlib>
#include <fstream>

namespace kurento {

namespace {

GstDebugGraphDetails toGstDetails(const std::optional<GstreamerDotDetails>& details) {
  switch (details.value_or(GstreamerDotDetails::SHOW_ALL)) {
    case GstreamerDotDetails::SHOW_MEDIA_TYPE: return GST_DEBUG_GRAPH_SHOW_MEDIA_TYPE;
    case GstreamerDotDetails::SHOW_CAPS_DETAILS: return GST_DEBUG_GRAPH_SHOW_CAPS_DETAILS;
    case GstreamerDotDetails::SHOW_NON_DEFAULT_PARAMS:
      return GST_DEBUG_GRAPH_SHOW_NON_DEFAULT_PARAMS;
    case GstreamerDotDetails::SHOW_STATES: return GST_DEBUG_GRAPH_SHOW_STATES;
    case GstreamerDotDetails::SHOW_FULL_PARAMS: return GST_DEBUG_GRAPH_SHOW_FULL_PARAMS;
    case GstreamerDotDetails::SHOW_VERBOSE: return GST_DEBUG_GRAPH_SHOW_VERBOSE;
    case GstreamerDotDetails::SHOW_ALL:
    case GstreamerDotDetails::kInvalid: break;
  }
  return GST_DEBUG_GRAPH_SHOW_ALL;
}

}  // namespace

std::string binToDot(GstBin* bin, const std::optional<GstreamerDotDetails>& details) {
  gchar* text = gst_debug_bin_to_dot_data(bin, toGstDetails(details));
  std::string result = text != nullptr ? text : "";
  g_free(text);
  return result;
}

void dumpBinToDotFile(GstBin* bin, const std::string& name,
                      const std::optional<GstreamerDotDetails>& details) {
  const char* dir = std::getenv("GST_DEBUG_DUMP_DOT_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw kms::KurentoException(
        kms::ErrorCode::kMediaObjectOperationNotSupported,
        "dumpGstreamerDot needs GST_DEBUG_DUMP_DOT_DIR set in the server's environment");
  }
  std::string safeName = name;
  for (char& c : safeName) {
    if (c == '/') {
      c = '_';
    }
  }
  const std::string path = std::string(dir) + "/" + safeName + ".dot";
  std::ofstream out(path, std::ios::trunc);
  out << binToDot(bin, details);
  if (!out) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError, "cannot write " + path);
  }
}

}  // namespace kurento
