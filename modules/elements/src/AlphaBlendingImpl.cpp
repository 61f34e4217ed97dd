#include "AlphaBlendingImpl.hpp"

#include "HubPortImpl.hpp"
#include "MediaPipelineImpl.hpp"
#include "hubs/HubElements.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Text.hpp>
#include <kms/sdk/Gst.hpp>

#include <gst/video/video.h>

#include <algorithm>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-alphablending", "AlphaBlending");

constexpr int kDefaultWidth = 640;  // until the master's size is known
constexpr int kDefaultHeight = 480;

GstPad* staticPad(GstElement* element, const char* name) {
  GstPad* pad = gst_element_get_static_pad(element, name);
  gst_object_unref(pad);  // the element keeps it
  return pad;
}

void requireFraction(const char* name, double value) {
  if (!(value >= 0.0 && value <= 1.0)) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string(name) + " must be within 0-1, got " +
                                    kms::numberText(value));
  }
}
}  // namespace
#define GST_CAT_DEFAULT kCat

AlphaBlendingImpl::AlphaBlendingImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline)
    : AlphaBlendingBase(mediaPipeline, "alphablending") {
  compositor_ = hubs::addLiveAggregator(bin(), "compositor");
  gst_util_set_object_arg(G_OBJECT(compositor_), "background", "black");
  // A live black picture under everything keeps the aggregator going before any input and
  // gives the output its size (the master's, once known).
  GstElement* background = hubs::addBin(
      bin(), "videotestsrc is-live=true pattern=black ! "
             "capsfilter caps=video/x-raw,format=AYUV,width=16,height=16");
  backgroundPad_ = gst_element_request_pad_simple(compositor_, "sink_%u");
  gst_pad_link(staticPad(background, "src"), backgroundPad_);
  // Blended in AYUV (compositor 1.22 negotiates nothing from AYUV inputs to an I420 output),
  // then converted for the ports, in one colorimetry whatever the inputs' (see Composite).
  output_ = hubs::addElement(bin(), "capsfilter");
  GstElement* convert = hubs::addBin(
      bin(), "videoconvert ! capsfilter caps=video/x-raw,format=I420,colorimetry=bt601");
  tee_ = hubs::addElement(bin(), "tee");
  g_object_set(tee_, "allow-not-linked", TRUE, nullptr);
  gst_element_link_many(compositor_, output_, convert, tee_, nullptr);
  resize(kDefaultWidth, kDefaultHeight);
}

AlphaBlendingImpl::~AlphaBlendingImpl() {
  if (backgroundPad_ != nullptr) {
    gst_object_unref(backgroundPad_);
  }
}

// The output (and the background) take `width` x `height`; every placement follows.
void AlphaBlendingImpl::resize(int width, int height) {
  masterWidth_ = width;
  masterHeight_ = height;
  GstCaps* caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "AYUV", "width",
                                      G_TYPE_INT, width, "height", G_TYPE_INT, height,
                                      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr);
  g_object_set(output_, "caps", caps, nullptr);
  gst_caps_unref(caps);
  g_object_set(backgroundPad_, "xpos", 0, "ypos", 0, "width", width, "height", height, "zorder",
               0u, nullptr);
  for (auto& [id, port] : ports_) {
    apply(id, port);
  }
}

GstCaps* AlphaBlendingImpl::portInput(MediaType type) {
  return type == MediaType::VIDEO ? gst_caps_new_empty_simple("video/x-raw") : nullptr;
}

void AlphaBlendingImpl::attachPort(HubPortImpl& hubPort) {
  std::lock_guard<std::mutex> lock(mutex_);
  Port& port = ports_[hubPort.id()];
  GstElement* portBin = GST_ELEMENT(hubPort.bin());
  port.input = hubs::addBin(bin(), "queue ! videoconvert ! capsfilter caps=video/x-raw,format=AYUV");
  hubs::answerLatencyWhenIdle(port.input);
  hubs::keepSerializedQueriesOut(staticPad(port.input, "src"));
  port.compositorPad =
      kms::GRef<GstPad>::adopt(gst_element_request_pad_simple(compositor_, "sink_%u"));
  gst_pad_link(staticPad(port.input, "src"), port.compositorPad.get());
  gst_element_sync_state_with_parent(port.input);
  apply(hubPort.id(), port);  // hidden until placed
  port.in = linkAcross(portBin, hubPort.toHubPad(MediaType::VIDEO), GST_ELEMENT(bin()),
                       staticPad(port.input, "sink"));
  port.outQueue = hubs::addElement(bin(), "queue");
  gst_element_sync_state_with_parent(port.outQueue);
  port.out = linkAcross(GST_ELEMENT(bin()), staticPad(port.outQueue, "src"), portBin,
                        hubPort.fromHubPad(MediaType::VIDEO));
  port.teePad = kms::GRef<GstPad>::adopt(gst_element_request_pad_simple(tee_, "src_%u"));
  gst_pad_link(port.teePad.get(), staticPad(port.outQueue, "sink"));
  hubs::isolateBranch(port.outQueue);
}

void AlphaBlendingImpl::detachPort(HubPortImpl& hubPort) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = ports_.find(hubPort.id());
  if (found == ports_.end()) {
    return;
  }
  Port& port = found->second;
  if (master_ == found->first) {
    gst_pad_remove_probe(port.compositorPad.get(), masterProbe_);
    master_.clear();
  }
  unlinkAcross(port.in);
  // The compositor's pad first: it holds the input's push until the frame's time.
  gst_element_release_request_pad(compositor_, port.compositorPad.get());
  hubs::stopAndRemove(bin(), port.input);
  gst_element_release_request_pad(tee_, port.teePad.get());
  unlinkAcross(port.out);
  hubs::stopAndRemove(bin(), port.outQueue);
  ports_.erase(found);
}

AlphaBlendingImpl::Port& AlphaBlendingImpl::portOf(const std::shared_ptr<HubPortImpl>& port,
                                                   const char* role) {
  auto found = port ? ports_.find(port->id()) : ports_.end();
  if (found == ports_.end()) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string(role) + " " + (port ? port->id() : "(null)") +
                                    " is not a HubPort of " + id());
  }
  return found->second;
}

void AlphaBlendingImpl::setMaster(const std::shared_ptr<HubPortImpl>& source,
                                  const int32_t& zOrder) {
  std::lock_guard<std::mutex> lock(mutex_);
  Port& master = portOf(source, "source");
  if (!master_.empty() && master_ != source->id()) {
    Port& previous = ports_[master_];
    gst_pad_remove_probe(previous.compositorPad.get(), masterProbe_);
    previous.placement.placed = false;
    apply(master_, previous);
  }
  master_ = source->id();
  master.placement = Placement{0, 0, 1, 1, zOrder, true};
  masterProbe_ = gst_pad_add_probe(master.compositorPad.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                                   &AlphaBlendingImpl::onMasterCaps, this, nullptr);
  GstCaps* caps = gst_pad_get_current_caps(master.compositorPad.get());
  GstVideoInfo info;
  if (caps != nullptr && gst_video_info_from_caps(&info, caps)) {
    resize(GST_VIDEO_INFO_WIDTH(&info), GST_VIDEO_INFO_HEIGHT(&info));
  } else {
    apply(master_, master);
  }
  if (caps != nullptr) {
    gst_caps_unref(caps);
  }
}

void AlphaBlendingImpl::setPortProperties(const double& relativeX, const double& relativeY,
                                          const int32_t& zOrder, const double& relativeWidth,
                                          const double& relativeHeight,
                                          const std::shared_ptr<HubPortImpl>& port) {
  requireFraction("relativeX", relativeX);
  requireFraction("relativeY", relativeY);
  requireFraction("relativeWidth", relativeWidth);
  requireFraction("relativeHeight", relativeHeight);
  if (zOrder < 0) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "zOrder must be >= 0, got " + std::to_string(zOrder));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Port& entry = portOf(port, "port");
  entry.placement = Placement{relativeX, relativeY, relativeWidth, relativeHeight, zOrder, true};
  apply(port->id(), entry);
}

// Pixels from fractions of the output's (the master's) size; the master fills the output.
void AlphaBlendingImpl::apply(const std::string& id, Port& port) {
  const Placement& at = port.placement;
  if (id == master_) {
    g_object_set(port.compositorPad.get(), "xpos", 0, "ypos", 0, "width", masterWidth_, "height",
                 masterHeight_, "zorder", static_cast<guint>(at.zOrder + 1), "alpha", 1.0,
                 nullptr);
    return;
  }
  g_object_set(port.compositorPad.get(), "xpos", static_cast<gint>(at.x * masterWidth_), "ypos",
               static_cast<gint>(at.y * masterHeight_), "width",
               std::max(1, static_cast<gint>(at.width * masterWidth_)), "height",
               std::max(1, static_cast<gint>(at.height * masterHeight_)), "zorder",
               static_cast<guint>(at.zOrder + 1), "alpha", at.placed ? 1.0 : 0.0, nullptr);
}

GstPadProbeReturn AlphaBlendingImpl::onMasterCaps(GstPad*, GstPadProbeInfo* info, gpointer data) {
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS) {
    return GST_PAD_PROBE_OK;
  }
  GstCaps* caps = nullptr;
  gst_event_parse_caps(event, &caps);
  GstVideoInfo video;
  if (!gst_video_info_from_caps(&video, caps)) {
    return GST_PAD_PROBE_OK;
  }
  auto* self = static_cast<AlphaBlendingImpl*>(data);
  std::lock_guard<std::mutex> lock(self->mutex_);
  const int width = GST_VIDEO_INFO_WIDTH(&video);
  const int height = GST_VIDEO_INFO_HEIGHT(&video);
  if (width != self->masterWidth_ || height != self->masterHeight_) {
    GST_INFO("%s: master %s is %dx%d", self->id().c_str(), self->master_.c_str(), width, height);
    self->resize(width, height);
  }
  return GST_PAD_PROBE_OK;
}

}  // namespace kurento
