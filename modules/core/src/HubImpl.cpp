#include "HubImpl.hpp"

#include "GstDot.hpp"
#include "MediaPipelineImpl.hpp"

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

}  // namespace kurento
