#include "overlay/ImageFetch.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <memory>
#include <vector>

namespace kurento::filters {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-overlay-fetch", "Overlay image fetching");
#define GST_CAT_DEFAULT kCat

[[noreturn]] void refuse(const std::string& uri, const std::string& reason) {
  throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                              "cannot use the image '" + uri + "': " + reason);
}

struct Download {
  std::vector<uchar> bytes;
  size_t maxBytes = 0;
  bool tooLarge = false;
};

void onHandoff(GstElement*, GstBuffer* buffer, GstPad*, gpointer data) {
  auto* download = static_cast<Download*>(data);
  if (download->tooLarge) {
    return;
  }
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
    return;
  }
  if (download->bytes.size() + map.size > download->maxBytes) {
    download->tooLarge = true;
  } else {
    download->bytes.insert(download->bytes.end(), map.data, map.data + map.size);
  }
  gst_buffer_unmap(buffer, &map);
}

// Runs <source for uri> ! fakesink until EOS, an error, the size limit or the timeout.
std::vector<uchar> fetch(const std::string& uri, const FetchLimits& limits) {
  if (!gst_uri_is_valid(uri.c_str())) {
    refuse(uri, "not a URI (file:///path, http://host/path or https://host/path)");
  }
  GError* error = nullptr;
  GstElement* source = gst_element_make_from_uri(GST_URI_SRC, uri.c_str(), nullptr, &error);
  if (source == nullptr) {
    const std::string reason = error != nullptr ? error->message : "no source for this scheme";
    g_clear_error(&error);
    refuse(uri, reason);
  }
  auto pipeline = kms::GRef<GstElement>::adopt(gst_pipeline_new("overlay-image-fetch"));
  GstElement* sink = gst_element_factory_make("fakesink", nullptr);
  gst_bin_add_many(GST_BIN(pipeline.get()), source, sink, nullptr);
  if (!gst_element_link(source, sink)) {
    refuse(uri, "its source cannot be read");
  }
  Download download;
  download.maxBytes = limits.maxBytes;
  g_object_set(sink, "signal-handoffs", TRUE, "sync", FALSE, nullptr);
  g_signal_connect(sink, "handoff", G_CALLBACK(onHandoff), &download);

  auto bus = kms::GRef<GstBus>::adopt(gst_element_get_bus(pipeline.get()));
  gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
  GstMessage* message = gst_bus_timed_pop_filtered(
      bus.get(), static_cast<GstClockTime>(limits.timeoutMs) * GST_MSECOND,
      static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  std::unique_ptr<GstMessage, decltype(&gst_message_unref)> owned(message, &gst_message_unref);
  if (message == nullptr) {
    refuse(uri, "not fetched within " + std::to_string(limits.timeoutMs) + " ms");
  }
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    gchar* debug = nullptr;
    gst_message_parse_error(message, &error, &debug);
    std::string reason = error->message;
    GST_INFO("fetching %s failed: %s (%s)", uri.c_str(), error->message, debug ? debug : "");
    g_clear_error(&error);
    g_free(debug);
    refuse(uri, reason);
  }
  if (download.tooLarge) {
    refuse(uri, "larger than " + std::to_string(limits.maxBytes) + " bytes");
  }
  if (download.bytes.empty()) {
    refuse(uri, "it is empty");
  }
  return std::move(download.bytes);
}
}  // namespace

cv::Mat loadOverlayImage(const std::string& uri, const FetchLimits& limits) {
  const std::vector<uchar> bytes = fetch(uri, limits);
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& error) {
    refuse(uri, std::string("cannot be decoded: ") + error.what());
  }
  if (decoded.empty()) {
    refuse(uri, "not a picture that can be decoded (PNG, JPEG, BMP, WebP, TIFF)");
  }
  if (decoded.depth() == CV_16U) {
    decoded.convertTo(decoded, CV_8U, 1.0 / 257.0);
  } else if (decoded.depth() != CV_8U) {
    decoded.convertTo(decoded, CV_8U);
  }
  cv::Mat bgra;
  switch (decoded.channels()) {
    case 1:
      cv::cvtColor(decoded, bgra, cv::COLOR_GRAY2BGRA);
      break;
    case 3:
      cv::cvtColor(decoded, bgra, cv::COLOR_BGR2BGRA);
      break;
    case 4:
      bgra = decoded;
      break;
    default:
      refuse(uri, "has " + std::to_string(decoded.channels()) + " colour channels");
  }
  GST_INFO("overlay image %s: %dx%d", uri.c_str(), bgra.cols, bgra.rows);
  return bgra;
}

}  // namespace kurento::filters
