#include "HubPortImpl.hpp"

#include "HubImpl.hpp"

#include <kms/sdk/Error.hpp>

namespace kurento {

namespace {

GstElement* makeInput(GstBin* bin, const char* name) {
  GstElement* identity = gst_element_factory_make("identity", name);
  if (identity == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "GStreamer element 'identity' is missing");
  }
  gst_bin_add(bin, identity);
  return identity;
}

}  // namespace

HubPortImpl::HubPortImpl(const std::shared_ptr<HubImpl>& hub)
    : HubPortBase(hub, "hubport"), hub_(hub) {
  audioIn_ = makeInput(bin(), "to_hub_audio");
  videoIn_ = makeInput(bin(), "to_hub_video");
  for (auto [type, element] : {std::pair{MediaType::AUDIO, audioIn_},
                               std::pair{MediaType::VIDEO, videoIn_}}) {
    GstPad* sink = gst_element_get_static_pad(element, "sink");
    setInput(type, sink);
    gst_object_unref(sink);
  }
}

GstPad* HubPortImpl::toHubPad(MediaType type) const {
  GstPad* pad = gst_element_get_static_pad(type == MediaType::AUDIO ? audioIn_ : videoIn_, "src");
  gst_object_unref(pad);  // the element keeps it alive as long as the port
  return pad;
}

GstCaps* HubPortImpl::acceptedInput(MediaType type) { return hub_->portInput(type); }

void HubPortImpl::postConstructor() {
  HubPortBase::postConstructor();
  hub_->attachPort(*this);
}

void HubPortImpl::releaseResources() {
  hub_->detachPort(*this);
  HubPortBase::releaseResources();
}

}  // namespace kurento
