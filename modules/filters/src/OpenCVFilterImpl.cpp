#include "OpenCVFilterImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <exception>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-opencv-filter", "OpenCV filters");

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

// Video: decodebin ! videoconvert ! BGR ! (process) ! videoconvert ! I420 ! output. Whatever
// codec arrives is decoded; the elements after us encode for their peers when they need to.
OpenCVFilterImpl::OpenCVFilterImpl(const std::shared_ptr<MediaObjectImpl>& parent,
                                   const std::string& name)
    : OpenCVFilterBase(parent, name) {
  GstBin* graph = bin();
  GstElement* decode = addElement(graph, "decodebin");
  convertIn_ = addElement(graph, "videoconvert");
  GstElement* bgr = addCapsFilter(graph, "video/x-raw,format=BGR");
  GstElement* convertOut = addElement(graph, "videoconvert");
  GstElement* i420 = addCapsFilter(graph, "video/x-raw,format=I420");
  if (!gst_element_link_many(convertIn_, bgr, convertOut, i420, nullptr)) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot link the OpenCV filter's video converters");
  }
  auto bgrOut = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(bgr, "src"));
  gst_pad_add_probe(bgrOut.get(),
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                 GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                    &OpenCVFilterImpl::onFrame, this, nullptr);
  auto i420Out = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(i420, "src"));
  if (gst_pad_link(i420Out.get(), outputSinkPad(MediaType::VIDEO)) != GST_PAD_LINK_OK) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot link the OpenCV filter to its output");
  }
  g_signal_connect_swapped(decode, "pad-added", G_CALLBACK(+[](gpointer self, GstPad* pad) {
                             static_cast<OpenCVFilterImpl*>(self)->onDecodedPad(pad);
                           }),
                           this);
  auto decodeIn = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(decode, "sink"));
  setInput(MediaType::VIDEO, decodeIn.get());
  setInput(MediaType::AUDIO, outputSinkPad(MediaType::AUDIO));
}

void OpenCVFilterImpl::onDecodedPad(GstPad* pad) {
  auto convertIn = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(convertIn_, "sink"));
  if (gst_pad_is_linked(convertIn.get())) {
    return;
  }
  const GstPadLinkReturn linked = gst_pad_link(pad, convertIn.get());
  if (linked != GST_PAD_LINK_OK) {
    GST_WARNING("%s: cannot link the decoder's pad %s: %s", id().c_str(), GST_PAD_NAME(pad),
                gst_pad_link_get_name(linked));
  }
}

// The frame format is read from the CAPS event once, not from the pad for every frame; both
// arrive in the same streaming thread.
GstPadProbeReturn OpenCVFilterImpl::onFrame(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto* self = static_cast<OpenCVFilterImpl*>(data);
  if ((GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) != 0) {
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
    if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
      GstCaps* caps = nullptr;
      gst_event_parse_caps(event, &caps);
      self->videoKnown_ = gst_video_info_from_caps(&self->video_, caps);
    }
    return GST_PAD_PROBE_OK;
  }
  if (!self->videoKnown_) {
    return GST_PAD_PROBE_OK;
  }
  GstVideoInfo& video = self->video_;
  GstBuffer* buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  GstVideoFrame frame;
  if (!gst_video_frame_map(&frame, &video, buffer, GST_MAP_READWRITE)) {
    return GST_PAD_PROBE_OK;
  }
  cv::Mat mat(GST_VIDEO_INFO_HEIGHT(&video), GST_VIDEO_INFO_WIDTH(&video), CV_8UC3,
              GST_VIDEO_FRAME_PLANE_DATA(&frame, 0),
              static_cast<size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0)));
  try {
    self->process(mat);
    ++self->processedFrames_;
  } catch (const std::exception& error) {
    if (!self->failureLogged_.exchange(true)) {
      GST_ERROR("%s: process() failed, frames pass unchanged: %s", self->id().c_str(),
                error.what());
    }
  }
  gst_video_frame_unmap(&frame);
  return GST_PAD_PROBE_OK;
}

}  // namespace kurento
