#include "CompositeImpl.hpp"

#include "HubPortImpl.hpp"
#include "MediaPipelineImpl.hpp"
#include "hubs/GridLayout.hpp"
#include "hubs/HubElements.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <algorithm>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-composite", "Composite");

constexpr int kMaxSide = 7680;
constexpr int kMaxFramerate = 120;

void requireRange(const char* name, int value, int max) {
  if (value < 1 || value > max) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string("Composite ") + name + " must be 1-" +
                                    std::to_string(max) + ", got " + std::to_string(value));
  }
}

// Fixed in every field, colorimetry included: the compositor otherwise takes its inputs' (a
// browser's BT.601 after the black background's BT.709) and the output's format changes when
// a participant joins, which a muxer downstream refuses (a recorded room ended in an error).
std::string gridCaps(int width, int height, int framerate) {
  return "video/x-raw,format=I420,width=" + std::to_string(width) +
         ",height=" + std::to_string(height) + ",framerate=" + std::to_string(framerate) +
         "/1,pixel-aspect-ratio=1/1,colorimetry=bt601";
}

GstPad* staticPad(GstElement* element, const char* name) {
  GstPad* pad = gst_element_get_static_pad(element, name);
  gst_object_unref(pad);  // the element keeps it
  return pad;
}
}  // namespace
#define GST_CAT_DEFAULT kCat

CompositeImpl::CompositeImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                             int32_t width, int32_t height, int32_t framerate)
    : CompositeBase(mediaPipeline, "composite"),
      width_(width),
      height_(height),
      framerate_(framerate),
      audio_(bin()) {
  requireRange("width", width, kMaxSide);
  requireRange("height", height, kMaxSide);
  requireRange("framerate", framerate, kMaxFramerate);
  const std::string caps = gridCaps(width_, height_, framerate_);
  // A live black picture under the grid keeps the output going with no input at all.
  GstElement* background = hubs::addBin(
      bin(), "videotestsrc is-live=true pattern=black ! capsfilter caps=" + caps);
  compositor_ = hubs::addLiveAggregator(bin(), "compositor");
  gst_util_set_object_arg(G_OBJECT(compositor_), "background", "black");
  GstElement* output = hubs::addBin(bin(), "capsfilter caps=" + caps);
  videoTee_ = hubs::addElement(bin(), "tee");
  g_object_set(videoTee_, "allow-not-linked", TRUE, nullptr);
  GstPad* backgroundPad = gst_element_request_pad_simple(compositor_, "sink_%u");
  g_object_set(backgroundPad, "zorder", 0u, "xpos", 0, "ypos", 0, "width", width_, "height",
               height_, nullptr);
  gst_pad_link(staticPad(background, "src"), backgroundPad);
  gst_object_unref(backgroundPad);
  gst_element_link_many(compositor_, output, videoTee_, nullptr);
}

GstCaps* CompositeImpl::portInput(MediaType type) {
  return gst_caps_new_empty_simple(type == MediaType::AUDIO ? "audio/x-raw" : "video/x-raw");
}

void CompositeImpl::attachPort(HubPortImpl& port) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto entry = std::make_unique<Port>();
  Port& p = *entry;
  p.id = port.id();
  GstElement* portBin = GST_ELEMENT(port.bin());
  GstElement* hubBin = GST_ELEMENT(bin());

  p.videoInput = hubs::addBin(bin(), "queue ! videoconvert");
  hubs::answerLatencyWhenIdle(p.videoInput);
  hubs::keepSerializedQueriesOut(staticPad(p.videoInput, "src"));
  p.compositorPad =
      kms::GRef<GstPad>::adopt(gst_element_request_pad_simple(compositor_, "sink_%u"));
  gst_util_set_object_arg(G_OBJECT(p.compositorPad.get()), "sizing-policy", "keep-aspect-ratio");
  g_object_set(p.compositorPad.get(), "zorder", 1u, nullptr);
  gst_pad_link(staticPad(p.videoInput, "src"), p.compositorPad.get());
  gst_element_sync_state_with_parent(p.videoInput);
  p.videoIn = linkAcross(portBin, port.toHubPad(MediaType::VIDEO), hubBin,
                         staticPad(p.videoInput, "sink"));

  p.videoQueue = hubs::addElement(bin(), "queue");
  gst_element_sync_state_with_parent(p.videoQueue);
  p.videoOut = linkAcross(hubBin, staticPad(p.videoQueue, "src"), portBin,
                          port.fromHubPad(MediaType::VIDEO));
  p.teePad = kms::GRef<GstPad>::adopt(gst_element_request_pad_simple(videoTee_, "src_%u"));
  gst_pad_link(p.teePad.get(), staticPad(p.videoQueue, "sink"));
  hubs::isolateBranch(p.videoQueue);

  const hubs::AudioMixBus::Pads audio = audio_.add(p.id);
  p.audioOut = linkAcross(hubBin, audio.output, portBin, port.fromHubPad(MediaType::AUDIO));
  p.audioIn = linkAcross(portBin, port.toHubPad(MediaType::AUDIO), hubBin, audio.input);

  ports_.push_back(std::move(entry));
  relayout();
  GST_INFO("%s: port %s joins (%zu ports)", id().c_str(), p.id.c_str(), ports_.size());
}

void CompositeImpl::detachPort(HubPortImpl& port) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = std::find_if(ports_.begin(), ports_.end(),
                            [&](const auto& p) { return p->id == port.id(); });
  if (found == ports_.end()) {
    return;
  }
  Port& p = **found;
  unlinkAcross(p.audioIn);
  unlinkAcross(p.audioOut);
  audio_.remove(p.id);

  unlinkAcross(p.videoIn);
  // The compositor's pad first: it holds the input's push until the frame's time.
  gst_element_release_request_pad(compositor_, p.compositorPad.get());
  hubs::stopAndRemove(bin(), p.videoInput);

  gst_element_release_request_pad(videoTee_, p.teePad.get());
  unlinkAcross(p.videoOut);
  hubs::stopAndRemove(bin(), p.videoQueue);

  GST_INFO("%s: port %s leaves (%zu ports)", id().c_str(), p.id.c_str(), ports_.size() - 1);
  ports_.erase(found);
  relayout();
}

// Every port gets a cell of the grid, in the order the ports joined.
void CompositeImpl::relayout() {
  const std::vector<hubs::Cell> cells =
      hubs::gridLayout(static_cast<int>(ports_.size()), width_, height_);
  for (size_t i = 0; i < ports_.size(); ++i) {
    g_object_set(ports_[i]->compositorPad.get(), "xpos", cells[i].x, "ypos", cells[i].y, "width",
                 cells[i].width, "height", cells[i].height, nullptr);
  }
}

}  // namespace kurento
