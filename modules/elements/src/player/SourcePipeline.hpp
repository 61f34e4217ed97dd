// A private pipeline that reads and decodes media (uridecodebin for a URI, or decodebin after
// a given element such as the appsrc of an upload), plays it in real time into appsinks and
// hands every sample to the element's OutputFeed of its media type. Being its own pipeline,
// it pauses, seeks, stops, ends and fails without touching the element's pipeline.
#pragma once

#include "OutputFeed.hpp"

#include <kms/sdk/Gst.hpp>

#include <gio/gio.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kurento::player {

struct SourceError {
  std::string type;         // Kurento error type, e.g. "URI_PATH_FILE_NOT_FOUND"
  int32_t code = 0;         // Kurento error code, e.g. 40600
  std::string description;  // names the URI and what GStreamer said
};

struct SourceOptions {
  std::string uri;              // what the errors name
  bool encoded = false;         // stop at encoded formats other elements forward as they are
  int networkCacheMs = 2000;    // RTSP: rtspsrc latency
  std::string rtpPortRange;     // RTSP: "min-max" for the RTP ports, "" for any
  int reconnectAttempts = 0;    // live sources: restarts after a drop before giving up
  std::string caFile;           // https/rtsps: trust anchors (PEM) instead of the system's
};

struct SourceInfo {
  bool seekable = false;
  int64_t seekableStartMs = 0;
  int64_t seekableEndMs = 0;
  int64_t durationMs = 0;
};

// Called from the GLib main loop thread.
struct SourceEvents {
  std::function<void()> onEnd;                          // the media ended
  std::function<void(const SourceError&)> onError;      // it cannot go on; now stopped
};

class SourcePipeline : public std::enable_shared_from_this<SourcePipeline> {
 public:
  // `decoder` is a uridecodebin or decodebin (its "pad-added" streams are played); `head`,
  // if any, feeds it. `audio`/`video` receive the streams (either may be null).
  static std::shared_ptr<SourcePipeline> create(const std::string& name, GstElement* head,
                                                GstElement* decoder, SourceOptions options,
                                                OutputFeed* audio, OutputFeed* video,
                                                GstElement* elementPipeline, SourceEvents events);
  ~SourcePipeline();

  void play();
  void pause();
  void stop();
  bool stopped() const;
  // Throws KurentoException(40700 PLAYER_SEEK_FAIL) saying why it cannot seek.
  void seek(int64_t positionMs);
  int64_t positionMs();
  SourceInfo info();
  GstElement* pipeline() const { return pipeline_.get(); }

 private:
  SourcePipeline(GstElement* head, GstElement* decoder, SourceOptions options, OutputFeed* audio,
                 OutputFeed* video, SourceEvents events);
  void build(const std::string& name, GstElement* elementPipeline);
  static void onPadAdded(GstElement* decoder, GstPad* pad, gpointer self);
  static void onSourceSetup(GstElement* decoder, GstElement* source, gpointer self);
  static GstFlowReturn onSample(GstAppSink* sink, gpointer feed);
  static gboolean onBusMessage(GstBus* bus, GstMessage* message, gpointer weakSelf);
  void addStream(GstPad* pad);
  void handleError(GstMessage* message);
  void handleEnd();
  bool reconnect(const std::string& why);
  // An error GStreamer does not explain (a network URI): ask the network why, off the main
  // loop, then raise it on the main loop.
  void explainThenRaise(SourceError error);
  void raise(const SourceError& error);
  void removeStreams();
  void waitForPreroll();

  kms::GRef<GstElement> pipeline_;
  GstElement* head_;     // owned by pipeline_
  GstElement* decoder_;  // owned by pipeline_
  const SourceOptions options_;
  OutputFeed* const audio_;
  OutputFeed* const video_;
  const SourceEvents events_;
  guint busWatch_ = 0;

  mutable std::mutex mutex_;
  std::vector<GstElement*> streams_;  // the appsinks/fakesinks added for decoder pads
  bool hasAudio_ = false;
  bool hasVideo_ = false;
  bool wantPlaying_ = false;
  int attemptsLeft_ = 0;
  guint retryTimer_ = 0;
  std::atomic<bool> flowing_{false};
  GCancellable* checkCancel_ = nullptr;  // owned
  std::thread check_;                    // the running explanation, joined at destruction
};

// The Kurento error of a GStreamer error message about `uri`.
SourceError describeError(const GError* error, const std::string& uri);

}  // namespace kurento::player
