// Mixer: connect(AUDIO, source, sink) adds the source port's audio to what the sink port hears
// (an audio mix per port, hubs/AudioMixBus; a port hears nobody, itself included, until
// connected); connect(VIDEO, source, sink) feeds the sink port's video from the source port,
// untouched (hubs/Switchboard). disconnect undoes either.
#pragma once

#include "HubImpl.hpp"
#include "MixerBase.hpp"
#include "hubs/AudioMixBus.hpp"
#include "hubs/Switchboard.hpp"

#include <mutex>

namespace kurento {

class MixerImpl : public MixerBase {
 public:
  explicit MixerImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline);

  void connect(const MediaType& media, const std::shared_ptr<HubPortImpl>& source,
               const std::shared_ptr<HubPortImpl>& sink) override;
  void disconnect(const MediaType& media, const std::shared_ptr<HubPortImpl>& source,
                  const std::shared_ptr<HubPortImpl>& sink) override;
  void attachPort(HubPortImpl& port) override;
  void detachPort(HubPortImpl& port) override;
  GstCaps* portInput(MediaType type) override;

 private:
  void requireMedia(const MediaType& media) const;

  std::mutex mutex_;
  hubs::AudioMixBus audio_;
  hubs::Switchboard video_;
  struct AudioLinks {
    BinLink in;
    BinLink out;
  };
  std::map<std::string, AudioLinks> audioLinks_;
};

}  // namespace kurento
