// The private pipeline that writes one recording: an appsrc per recorded stream, the chain
// the profile asks for (kept as is, or decoded and encoded), the muxer and the target (a file,
// or a chunked HTTP POST). It never blocks the element's streaming threads.
#pragma once

#include "HttpUploader.hpp"
#include "Profiles.hpp"

#include <kms/sdk/Gst.hpp>

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include <array>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kurento::recorder {

struct WriterEvents {
  std::function<void()> onFinished;  // the file is complete (after finish())
  std::function<void(const std::string& type, int32_t code, const std::string& description)>
      onError;
};

// Where a recording goes: a local file, or an HTTP(S) URL uploaded to as it is written.
struct WriterTarget {
  std::string uri;
  std::string localPath;  // "" for HTTP targets
  std::string caFile;     // https: extra trust anchors (PEM), "" for the system's store
};

struct StreamStart {
  bool video = false;
  GstCaps* caps = nullptr;  // the stream's caps (borrowed)
};

class Writer : public std::enable_shared_from_this<Writer> {
 public:
  // Builds and starts the pipeline; throws KurentoException (40107, or 40003) when it cannot.
  static std::shared_ptr<Writer> create(const std::string& name, const Profile& profile,
                                        const WriterTarget& target,
                                        const std::vector<StreamStart>& streams, int bitrateBps,
                                        WriterEvents events);
  ~Writer();

  bool writes(bool video) const;
  bool transcodes(bool video) const;
  // Queues a buffer of the stream (takes ownership). Caps changes follow `caps`.
  void push(bool video, GstBuffer* buffer, GstCaps* caps);
  // Ends every stream; onFinished fires once the target is complete.
  void finish();
  // Waits until finished (or failed); false on time-out.
  bool waitFinished(int timeoutMs);

 private:
  // Buffers reach the appsrc in batches of up to kBatch of media: its thread then wakes once
  // per batch, not once per buffer.
  struct Stream {
    GstElement* appsrc = nullptr;  // owned by pipeline_
    bool transcoding = false;
    std::mutex batchMutex;
    GstBufferList* batch = nullptr;  // owned; buffers not handed to appsrc yet
    GstClockTime batchStart = GST_CLOCK_TIME_NONE;
    GstCaps* caps = nullptr;  // the caps last set on appsrc (owned)
  };
  explicit Writer(WriterEvents events) : events_(std::move(events)) {}
  void build(const std::string& name, const Profile& profile, const WriterTarget& target,
             const std::vector<StreamStart>& streams, int bitrateBps);
  GstElement* makeSink(const Profile& profile, const WriterTarget& target);
  void addStream(const Profile& profile, const StreamStart& start, GstElement* muxer,
                 GstElement* sink, int bitrateBps);
  static gboolean onBusMessage(GstBus* bus, GstMessage* message, gpointer weakSelf);
  static GstFlowReturn onUploadSample(GstAppSink* sink, gpointer uploader);
  // From the upload's thread: the result goes to the main loop.
  static void postUploadEnd(const std::weak_ptr<Writer>& weak, const std::string& error);
  void handleErrorMessage(GstMessage* message);
  // Raises Error once (later failures add nothing), stops the pipeline, then done().
  void fail(const std::string& description);
  // Hands the stream's batch to its appsrc; called with the stream's batchMutex held.
  void flushBatch(Stream& stream);
  void done();

  kms::GRef<GstElement> pipeline_;
  std::unique_ptr<HttpUploader> uploader_;  // HTTP(S) targets: the body's sender
  std::array<Stream, 2> streams_{};  // [0] audio, [1] video
  const WriterEvents events_;
  std::string target_;
  guint busWatch_ = 0;
  std::mutex mutex_;
  std::condition_variable finishedCv_;
  bool finishing_ = false;  // done() ran or runs
  bool finished_ = false;
  bool failed_ = false;  // Error raised
};

}  // namespace kurento::recorder
