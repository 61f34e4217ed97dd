// MediaElement: a GstBin in the pipeline with one input and one output per media type,
// connected to other elements through tees (one source feeds a sink; a source feeds many).
#pragma once

#include "FormatAdapter.hpp"
#include "MediaElementBase.hpp"
#include "MediaFlowMonitor.hpp"

#include <kms/sdk/Config.hpp>
#include <kms/sdk/Gst.hpp>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kurento {

class MediaPipelineImpl;

class MediaElementImpl : public MediaElementBase {
 public:
  // `parent` is the pipeline (or a hub); `name` names the GstBin in dot dumps.
  MediaElementImpl(const std::shared_ptr<MediaObjectImpl>& parent, const std::string& name);
  ~MediaElementImpl() override;

  // MediaElement.conf.ini, in bps; throws kms::ConfigError naming the file and the key. The
  // core module reads it once at start-up so that a wrong value stops the server there.
  struct Settings {
    int32_t encoderBitrate;
    int32_t minEncoderBitrate;
    int32_t maxEncoderBitrate;
  };
  static Settings readSettings(const kms::ClassConfig& config);

  std::vector<std::shared_ptr<ElementConnectionData>> getSourceConnections(
      const std::optional<MediaType>& mediaType,
      const std::optional<std::string>& description) override;
  std::vector<std::shared_ptr<ElementConnectionData>> getSinkConnections(
      const std::optional<MediaType>& mediaType,
      const std::optional<std::string>& description) override;
  void connect(const std::shared_ptr<MediaElementImpl>& sink,
               const std::optional<MediaType>& mediaType,
               const std::optional<std::string>& sourceMediaDescription,
               const std::optional<std::string>& sinkMediaDescription) override;
  void disconnect(const std::shared_ptr<MediaElementImpl>& sink,
                  const std::optional<MediaType>& mediaType,
                  const std::optional<std::string>& sourceMediaDescription,
                  const std::optional<std::string>& sinkMediaDescription) override;
  void setAudioFormat(const std::shared_ptr<AudioCaps>& caps) override;
  void setVideoFormat(const std::shared_ptr<VideoCaps>& caps) override;
  void dumpGstreamerDot(const std::optional<GstreamerDotDetails>& details) override;
  std::string getGstreamerDot(const std::optional<GstreamerDotDetails>& details) override;
  std::map<std::string, std::shared_ptr<Stats>> getStats(
      const std::optional<MediaType>& mediaType) override;
  bool isMediaFlowingIn(const MediaType& mediaType,
                        const std::string& sinkMediaDescription) override;
  bool isMediaFlowingOut(const MediaType& mediaType,
                         const std::string& sourceMediaDescription) override;
  bool isMediaTranscoding(const MediaType& mediaType, const std::string& binName) override;
  int32_t getEncoderBitrate() override;
  void setEncoderBitrate(const int32_t& encoderBitrate) override;
  int32_t getMinEncoderBitrate() override;
  void setMinEncoderBitrate(const int32_t& minEncoderBitrate) override;
  int32_t getMaxEncoderBitrate() override;
  void setMaxEncoderBitrate(const int32_t& maxEncoderBitrate) override;

  void postConstructor() override;
  void releaseResources() override;

  // The bin holding this element's GStreamer graph.
  GstBin* bin() const { return GST_BIN(bin_.get()); }
  // The ghost pad through which media of `type` enters; null when the type is not handled.
  GstPad* inputPad(MediaType type) const;
  // DATA (e.g. WebRTC data channels): elements that carry it say so, and receive what their
  // DATA sources send; `label` names the channel, `binary` tells text from bytes.
  virtual bool handlesData() const { return false; }
  virtual void receiveData(const std::string& label, const std::string& payload, bool binary);

  // The audio and video formats requested by setAudioFormat/setVideoFormat, if any.
  std::shared_ptr<AudioCaps> audioFormat() const;
  std::shared_ptr<VideoCaps> videoFormat() const;

 protected:
  // Subclasses, in their constructor: expose the sink pad `target` (inside bin()) as the
  // element's input of `type`; and feed what they produce into outputSinkPad(type).
  void setInput(MediaType type, GstPad* target);
  GstPad* outputSinkPad(MediaType type) const;
  // Format adaptation (see FormatAdapter.hpp): the format this element's input of `type`
  // takes, as a new caps reference; null (the default) takes whatever its source produces.
  // An element whose answer changes (e.g. after its SDP negotiation) calls
  // inputFormatChanged(type), without holding its own locks, and its source adapts.
  virtual GstCaps* acceptedInput(MediaType type);
  void inputFormatChanged(MediaType type);
  // Whether this element's source delivers (or will, once media flows) what acceptedInput
  // asks for: media in another format on the input is then a leftover to drop.
  bool inputAdapted(MediaType type) const;
  // The shared video encoder (a new reference, or null) that now feeds this element's input;
  // called from the source's adapter, without its locks.
  virtual void inputEncoderChanged(MediaType type, GstElement* encoder);
  // Records whether the internal bin `binName` transcodes media of `type`; raises
  // MediaTranscodingStateChanged on each change (and on the first report).
  void reportTranscoding(MediaType type, const std::string& binName, bool transcoding);
  // Hands data that arrived to every element connected as this one's DATA sink.
  void sendData(const std::string& label, const std::string& payload, bool binary);

 private:
  struct Connection;
  static constexpr size_t kMediaTypes = 2;  // AUDIO and VIDEO carry GStreamer pads
  static size_t slot(MediaType type);

  std::vector<MediaType> typesOf(const std::optional<MediaType>& mediaType) const;
  void connectData(MediaElementImpl& sink, const std::string& sourceDescription,
                   const std::string& sinkDescription);
  void disconnectData(MediaElementImpl& sink);
  void linkTo(MediaElementImpl& sink, MediaType type, const std::string& sourceDescription,
              const std::string& sinkDescription);
  void unlink(const Connection& connection);
  GstPadLinkReturn linkThroughLoop(Connection& connection, MediaType type);
  void removeLoop(Connection& connection);
  void dropSourceOf(MediaType type);
  std::shared_ptr<Connection> sourceConnection(MediaType type) const;
  // The bitrate of this element's video encoders: encoderBitrate within min/maxEncoderBitrate.
  EncoderBitrate::Bounds bitrateBounds() const;
  void watchFlow(MediaType type);
  void onFlowChange(bool input, MediaType type, bool flowing);

  kms::GRef<GstElement> bin_;
  std::shared_ptr<MediaPipelineImpl> pipeline_;
  std::array<GstElement*, kMediaTypes> tees_{};     // owned by bin_
  std::array<GstPad*, kMediaTypes> inputs_{};       // ghost pads owned by bin_
  std::array<std::unique_ptr<FormatAdapter>, kMediaTypes> adapters_;  // on tees_
  std::array<std::unique_ptr<MediaFlowMonitor>, kMediaTypes> inMonitors_;
  std::array<std::unique_ptr<MediaFlowMonitor>, kMediaTypes> outMonitors_;

  mutable std::recursive_mutex mutex_;
  std::vector<std::shared_ptr<Connection>> sinks_;    // where this element sends media
  std::vector<std::weak_ptr<Connection>> sources_;    // what feeds this element
  std::vector<std::weak_ptr<MediaElementImpl>> dataSinks_;
  std::shared_ptr<AudioCaps> audioFormat_;
  std::shared_ptr<VideoCaps> videoFormat_;
  std::atomic<int32_t> encoderBitrateBps_{0};
  std::atomic<int32_t> minEncoderBitrateBps_{0};
  std::atomic<int32_t> maxEncoderBitrateBps_{0};
  unsigned padCounter_ = 0;
  std::mutex transcodingMutex_;  // alone: reported from streaming threads under other locks
  std::map<std::pair<MediaType, std::string>, bool> transcoding_;  // by type and bin name
};

}  // namespace kurento
