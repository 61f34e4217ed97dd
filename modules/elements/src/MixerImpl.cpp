#include "MixerImpl.hpp"

#include "HubPortImpl.hpp"
#include "MediaPipelineImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-mixer", "Mixer");
}  // namespace
#define GST_CAT_DEFAULT kCat

MixerImpl::MixerImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline)
    : MixerBase(mediaPipeline, "mixer"),
      audio_(bin(), false),
      video_(bin(), {MediaType::VIDEO}) {}

GstCaps* MixerImpl::portInput(MediaType type) {
  return type == MediaType::AUDIO ? gst_caps_new_empty_simple("audio/x-raw") : nullptr;
}

void MixerImpl::requireMedia(const MediaType& media) const {
  if (media != MediaType::AUDIO && media != MediaType::VIDEO) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string("Mixer connects AUDIO or VIDEO, not ") + toString(media));
  }
}

void MixerImpl::connect(const MediaType& media, const std::shared_ptr<HubPortImpl>& source,
                        const std::shared_ptr<HubPortImpl>& sink) {
  requireMedia(media);
  std::lock_guard<std::mutex> lock(mutex_);
  video_.requirePort(source, id(), "source");
  video_.requirePort(sink, id(), "sink");
  if (media == MediaType::AUDIO) {
    audio_.hear(sink->id(), source->id());
  } else {
    video_.route(sink->id(), source->id());
  }
  GST_INFO("%s: %s hears/sees %s (%s)", id().c_str(), sink->id().c_str(), source->id().c_str(),
           toString(media));
}

void MixerImpl::disconnect(const MediaType& media, const std::shared_ptr<HubPortImpl>& source,
                           const std::shared_ptr<HubPortImpl>& sink) {
  requireMedia(media);
  std::lock_guard<std::mutex> lock(mutex_);
  video_.requirePort(source, id(), "source");
  video_.requirePort(sink, id(), "sink");
  const bool connected = media == MediaType::AUDIO ? audio_.hears(sink->id(), source->id())
                                                   : video_.sourceOf(sink->id()) == source->id();
  if (!connected) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                sink->id() + " does not receive " + toString(media) + " from " +
                                    source->id());
  }
  if (media == MediaType::AUDIO) {
    audio_.stopHearing(sink->id(), source->id());
  } else {
    video_.route(sink->id(), "");
  }
}

void MixerImpl::attachPort(HubPortImpl& port) {
  std::lock_guard<std::mutex> lock(mutex_);
  video_.add(port);
  const hubs::AudioMixBus::Pads pads = audio_.add(port.id());
  AudioLinks& links = audioLinks_[port.id()];
  GstElement* portBin = GST_ELEMENT(port.bin());
  links.out = linkAcross(GST_ELEMENT(bin()), pads.output, portBin, port.fromHubPad(MediaType::AUDIO));
  links.in = linkAcross(portBin, port.toHubPad(MediaType::AUDIO), GST_ELEMENT(bin()), pads.input);
}

void MixerImpl::detachPort(HubPortImpl& port) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto links = audioLinks_.find(port.id());
  if (links != audioLinks_.end()) {
    unlinkAcross(links->second.in);
    unlinkAcross(links->second.out);
    audioLinks_.erase(links);
  }
  audio_.remove(port.id());
  video_.remove(port);
}

}  // namespace kurento
