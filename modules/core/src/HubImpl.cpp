#include "HubImpl.hpp"

#include "GstDot.hpp"
#include "MediaPipelineImpl.hpp"

#include <kms/sdk/Error.hpp>

#include <atomic>

namespace kurento {

HubImpl::HubImpl(const std::shared_ptr<MediaPipelineImpl>& pipeline, const std::string& name)
    : HubBase(pipeline),
      bin_(kms::GRef<GstElement>::adopt(gst_bin_new(name.c_str()))),
      pipeline_(pipeline) {}

void HubImpl::postConstructor() {
  gst_object_set_name(GST_OBJECT(bin_.get()), id().c_str());
  gst_bin_add(pipeline_->bin(), bin_.get());
  gst_element_sync_state_with_parent(bin_.get());
}

void HubImpl::releaseResources() {
  gst_element_set_locked_state(bin_.get(), TRUE);
  gst_element_set_state(bin_.get(), GST_STATE_NULL);
  gst_bin_remove(pipeline_->bin(), bin_.get());
}

std::string HubImpl::getGstreamerDot(const std::optional<GstreamerDotDetails>& details) {
  return binToDot(bin(), details);
}

void HubImpl::dumpGstreamerDot(const std::optional<GstreamerDotDetails>& details) {
  dumpBinToDotFile(bin(), id(), details);
}

GstCaps* HubImpl::portInput(MediaType) { return nullptr; }

namespace {
std::atomic<unsigned> linkCounter{0};

GstPad* addGhost(GstElement* bin, GstPad* target, const char* prefix) {
  const std::string name = std::string(prefix) + std::to_string(linkCounter++);
  GstPad* ghost = gst_ghost_pad_new(name.c_str(), target);
  gst_pad_set_active(ghost, TRUE);
  gst_element_add_pad(bin, ghost);
  return ghost;
}
}  // namespace

HubImpl::BinLink HubImpl::linkAcross(GstElement* srcBin, GstPad* src, GstElement* sinkBin,
                                     GstPad* sink) {
  BinLink link;
  link.srcBin = srcBin;
  link.sinkBin = sinkBin;
  link.srcGhost = addGhost(srcBin, src, "hub_src_");
  link.sinkGhost = addGhost(sinkBin, sink, "hub_sink_");
  const GstPadLinkReturn linked = gst_pad_link(link.srcGhost, link.sinkGhost);
  if (linked != GST_PAD_LINK_OK) {
    unlinkAcross(link);
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                std::string("cannot link ") + GST_OBJECT_NAME(srcBin) + " to " +
                                    GST_OBJECT_NAME(sinkBin) + ": " +
                                    gst_pad_link_get_name(linked));
  }
  return link;
}

void HubImpl::unlinkAcross(BinLink& link) {
  if (link.srcGhost == nullptr) {
    return;
  }
  gst_pad_unlink(link.srcGhost, link.sinkGhost);
  gst_pad_set_active(link.srcGhost, FALSE);
  gst_pad_set_active(link.sinkGhost, FALSE);
  gst_element_remove_pad(link.srcBin, link.srcGhost);
  gst_element_remove_pad(link.sinkBin, link.sinkGhost);
  link = BinLink{};
}

}  // namespace kurento
