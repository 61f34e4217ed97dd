// RecorderEndpoint: writes what reaches its inputs to a file:// or http(s):// URI in the chosen
// profile, keeping encodings the container takes and encoding the rest. Each record()..stop()
// is a recorder::Recording with its own writer pipeline; files survive a crash (see
// docs/elements/recorder-endpoint.md).
#pragma once

#include "RecorderEndpointBase.hpp"
#include "recorder/Profiles.hpp"
#include "recorder/Recording.hpp"

#include <gst/app/gstappsink.h>

#include <array>
#include <memory>
#include <mutex>

namespace kurento {

class RecorderEndpointImpl : public RecorderEndpointBase {
 public:
  RecorderEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                       const std::string& uri, const MediaProfileSpecType& mediaProfile,
                       bool stopOnEndOfStream);

  void record() override;
  void pause() override;
  void stop() override;
  void stopAndWait() override;
  bool isMediaTranscoding(const MediaType& mediaType, const std::string& binName) override;

  void postConstructor() override;
  void releaseResources() override;

 private:
  static constexpr int kStopWaitMs = 30000;

  void addInput(MediaType type);
  static GstFlowReturn onSample(GstAppSink* sink, gpointer self);
  static GstPadProbeReturn onInputEvent(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  void onSourceEnd();
  GstClockTime now() const;
  bool targetUsable();
  void begin();
  std::shared_ptr<recorder::Recording> current() const;
  std::weak_ptr<RecorderEndpointImpl> weakSelf();
  void requestKeyframe();

  const recorder::Profile profile_;
  const bool stopOnEndOfStream_;
  std::array<GstElement*, 2> sinks_{};  // appsinks [audio, video], owned by bin()
  mutable std::mutex mutex_;
  std::shared_ptr<recorder::Recording> recording_;
  unsigned recordings_ = 0;
};

}  // namespace kurento
