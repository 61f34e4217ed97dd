#include "opencv/BgrFrames.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <exception>
#include <utility>

namespace kurento::filters {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-bgr-frames", "OpenCV filters' video path");

GstElement* addElement(GstBin* bin, const char* factory) {
  GstElement* element = gst_element_factory_make(factory, nullptr);
  if (element == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                std::string("GStreamer element '") + factory + "' is missing");
  }
  gst_bin_add(bin, element);
  return element;
}

GstElement* addCapsFilter(GstBin* bin, const char* caps) {
  GstElement* filter = addElement(bin, "capsfilter");
  GstCaps* parsed = gst_caps_from_string(caps);
  g_object_set(filter, "caps", parsed, nullptr);
  gst_caps_unref(parsed);
  return filter;
}
}  // namespace
#define GST_CAT_DEFAULT kCat

BgrFrames::BgrFrames(GstBin* bin, GstPad* output, std::string owner, Process process)
    : owner_(std::move(owner)), process_(std::move(process)) {
  GstElement* decode = addElement(bin, "decodebin");
  convertIn_ = addElement(bin, "videoconvert");
  GstElement* bgr = addCapsFilter(bin, "video/x-raw,format=BGR");
  GstElement* convertOut = addElement(bin, "videoconvert");
  GstElement* i420 = addCapsFilter(bin, "video/x-raw,format=I420");
  if (!gst_element_link_many(convertIn_, bgr, convertOut, i420, nullptr)) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot link the OpenCV filter's video converters");
  }
  auto bgrOut = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(bgr, "src"));
  gst_pad_add_probe(
      bgrOut.get(),
      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
      &BgrFrames::onProbe, this, nullptr);
  auto i420Out = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(i420, "src"));
  if (gst_pad_link(i420Out.get(), output) != GST_PAD_LINK_OK) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot link the OpenCV filter to its output");
  }
  g_signal_connect_swapped(decode, "pad-added", G_CALLBACK(+[](gpointer self, GstPad* pad) {
                             static_cast<BgrFrames*>(self)->onDecodedPad(pad);
                           }),
                           this);
  // The pad stays alive as long as decodebin, which the bin owns.
  auto decodeIn = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(decode, "sink"));
  input_ = decodeIn.get();
}

void BgrFrames::onDecodedPad(GstPad* pad) {
  auto convertIn = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(convertIn_, "sink"));
  if (gst_pad_is_linked(convertIn.get())) {
    return;
  }
  const GstPadLinkReturn linked = gst_pad_link(pad, convertIn.get());
  if (linked != GST_PAD_LINK_OK) {
    GST_WARNING("%s: cannot link the decoder's pad %s: %s", owner_.c_str(), GST_PAD_NAME(pad),
                gst_pad_link_get_name(linked));
  }
}

// The frame format is read from the CAPS event once, not from the pad for every frame; both
// arrive in the same streaming thread.
GstPadProbeReturn BgrFrames::onProbe(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* self = static_cast<BgrFrames*>(data);
  if ((GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) != 0) {
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
    if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
      GstCaps* caps = nullptr;
      gst_event_parse_caps(event, &caps);
      self->videoKnown_ = gst_video_info_from_caps(&self->video_, caps);
    }
    return GST_PAD_PROBE_OK;
  }
  if (self->videoKnown_) {
    self->processBuffer(info);
  }
  return GST_PAD_PROBE_OK;
}

void BgrFrames::processBuffer(GstPadProbeInfo* info) {
  GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &video_, buffer, GST_MAP_READWRITE)) {
    return;
  }
  cv::Mat mat(GST_VIDEO_INFO_HEIGHT(&video_), GST_VIDEO_INFO_WIDTH(&video_), CV_8UC3,
              GST_VIDEO_FRAME_PLANE_DATA(&frame, 0),
              static_cast<size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0)));
  try {
    process_(mat);
    ++processedFrames_;
  } catch (const std::exception& error) {
    if (!failureLogged_.exchange(true)) {
      GST_ERROR("%s: frame processing failed, frames pass unchanged: %s", owner_.c_str(),
                error.what());
    }
  }
  gst_video_frame_unmap(&frame);
}

}  // namespace kurento::filters
