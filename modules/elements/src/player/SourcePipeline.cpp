#include "SourcePipeline.hpp"

#include "NetworkCheck.hpp"
#include "rtp/MediaPaths.hpp"

#include <kms/sdk/Error.hpp>

#include <algorithm>
#include <cstring>

namespace kurento::player {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-player-source", "Player source pipeline");

// What the decoder may leave encoded in `encoded` mode: what the endpoints forward as is.
constexpr const char* kEncodedCaps =
    "video/x-raw; audio/x-raw; video/x-vp8; video/x-vp9; video/x-h264; audio/x-opus; "
    "audio/x-mulaw; audio/x-alaw";
constexpr guint kRetryBaseMs = 500;
constexpr guint kRetryMaxMs = 4000;
constexpr GstClockTime kPrerollWait = 3 * GST_SECOND;

struct StreamTap {
  OutputFeed* feed;
  GstElement* pipeline;
  std::atomic<bool>* flowing;
};

bool isNetworkUri(const std::string& uri) {
  for (const char* scheme : {"http://", "https://", "rtsp://", "rtsps://", "rtspt://"}) {
    if (uri.rfind(scheme, 0) == 0) {
      return true;
    }
  }
  return false;
}

int64_t toMs(gint64 time) { return time >= 0 ? time / GST_MSECOND : 0; }

[[noreturn]] void seekFail(const std::string& reason) {
  throw kms::KurentoException(kms::ErrorCode::kPlayerSeekFail, "cannot seek: " + reason);
}

}  // namespace
#define GST_CAT_DEFAULT kCat

SourceError describeError(const GError* error, const std::string& uri) {
  const std::string said = error != nullptr && error->message != nullptr ? error->message : "?";
  SourceError result{"UNEXPECTED_ERROR", static_cast<int32_t>(kms::ErrorCode::kUnexpectedError),
                     "cannot play '" + uri + "': " + said};
  if (error == nullptr) {
    return result;
  }
  const bool notFound =
      error->domain == GST_RESOURCE_ERROR &&
      (error->code == GST_RESOURCE_ERROR_NOT_FOUND || error->code == GST_RESOURCE_ERROR_OPEN_READ ||
       error->code == GST_RESOURCE_ERROR_NOT_AUTHORIZED);
  const bool badFormat =
      (error->domain == GST_STREAM_ERROR &&
       (error->code == GST_STREAM_ERROR_TYPE_NOT_FOUND || error->code == GST_STREAM_ERROR_WRONG_TYPE ||
        error->code == GST_STREAM_ERROR_CODEC_NOT_FOUND || error->code == GST_STREAM_ERROR_DEMUX ||
        error->code == GST_STREAM_ERROR_DECODE || error->code == GST_STREAM_ERROR_FORMAT)) ||
      (error->domain == GST_CORE_ERROR && error->code == GST_CORE_ERROR_MISSING_PLUGIN);
  if (notFound) {
    result.type = "URI_PATH_FILE_NOT_FOUND";
    result.code = static_cast<int32_t>(kms::ErrorCode::kUriPathFileNotFound);
    result.description = "cannot open '" + uri + "': " + said;
  } else if (badFormat) {
    result.type = "UNSUPPORTED_MEDIA_TYPE";
    result.code = static_cast<int32_t>(kms::ErrorCode::kUnsupportedMediaType);
    result.description = "cannot play '" + uri + "': unsupported or corrupt media (" + said + ")";
  }
  return result;
}

std::shared_ptr<SourcePipeline> SourcePipeline::create(const std::string& name, GstElement* head,
                                                       GstElement* decoder, SourceOptions options,
                                                       OutputFeed* audio, OutputFeed* video,
                                                       GstElement* elementPipeline,
                                                       SourceEvents events) {
  std::shared_ptr<SourcePipeline> source(
      new SourcePipeline(head, decoder, std::move(options), audio, video, std::move(events)));
  source->build(name, elementPipeline);
  return source;
}

SourcePipeline::SourcePipeline(GstElement* head, GstElement* decoder, SourceOptions options,
                               OutputFeed* audio, OutputFeed* video, SourceEvents events)
    : head_(head),
      decoder_(decoder),
      options_(std::move(options)),
      audio_(audio),
      video_(video),
      events_(std::move(events)),
      checkCancel_(g_cancellable_new()) {}

void SourcePipeline::build(const std::string& name, GstElement* elementPipeline) {
  pipeline_ = kms::GRef<GstElement>::adopt(gst_pipeline_new(name.c_str()));
  // The element pipeline's clock: buffer times then translate by base times alone.
  GstClock* clock = gst_element_get_clock(elementPipeline);
  if (clock == nullptr) {
    clock = gst_system_clock_obtain();
  }
  gst_pipeline_use_clock(GST_PIPELINE(pipeline_.get()), clock);
  gst_object_unref(clock);
  if (head_ != nullptr) {
    gst_bin_add(GST_BIN(pipeline_.get()), head_);
  }
  gst_bin_add(GST_BIN(pipeline_.get()), decoder_);
  if (head_ != nullptr && !gst_element_link(head_, decoder_)) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot link the source of " + options_.uri + " to its decoder");
  }
  if (options_.encoded) {
    GstCaps* caps = gst_caps_from_string(kEncodedCaps);
    g_object_set(decoder_, "caps", caps, nullptr);
    gst_caps_unref(caps);
  }
  g_signal_connect(decoder_, "pad-added", G_CALLBACK(&SourcePipeline::onPadAdded), this);
  if (g_signal_lookup("source-setup", G_OBJECT_TYPE(decoder_)) != 0) {
    g_signal_connect(decoder_, "source-setup", G_CALLBACK(&SourcePipeline::onSourceSetup), this);
  }
  kms::GRef<GstBus> bus = kms::GRef<GstBus>::adopt(gst_element_get_bus(pipeline_.get()));
  busWatch_ = gst_bus_add_watch_full(
      bus.get(), G_PRIORITY_DEFAULT, &SourcePipeline::onBusMessage,
      new std::weak_ptr<SourcePipeline>(shared_from_this()),
      [](gpointer weak) { delete static_cast<std::weak_ptr<SourcePipeline>*>(weak); });
}

SourcePipeline::~SourcePipeline() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (retryTimer_ != 0) {
      g_source_remove(retryTimer_);
    }
  }
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  if (busWatch_ != 0) {
    g_source_remove(busWatch_);
  }
  g_cancellable_cancel(checkCancel_);
  if (check_.joinable()) {
    check_.join();
  }
  g_object_unref(checkCancel_);
}

void SourcePipeline::onSourceSetup(GstElement*, GstElement* source, gpointer data) {
  auto* self = static_cast<SourcePipeline*>(data);
  GObjectClass* kind = G_OBJECT_GET_CLASS(source);
  if (std::strcmp(G_OBJECT_TYPE_NAME(source), "GstRTSPSrc") == 0) {
    g_object_set(source, "latency", static_cast<guint>(self->options_.networkCacheMs), nullptr);
    if (!self->options_.rtpPortRange.empty()) {
      g_object_set(source, "port-range", self->options_.rtpPortRange.c_str(), nullptr);
    }
  }
  if (g_object_class_find_property(kind, "timeout") != nullptr &&
      std::strcmp(G_OBJECT_TYPE_NAME(source), "GstSoupHTTPSrc") == 0) {
    g_object_set(source, "timeout", 10u, nullptr);
  }
  // souphttpsrc (libsoup 3) ignores its ssl-ca-file; a database object works there and in rtspsrc.
  if (!self->options_.caFile.empty() &&
      g_object_class_find_property(kind, "tls-database") != nullptr) {
    GTlsDatabase* database = g_tls_file_database_new(self->options_.caFile.c_str(), nullptr);
    if (database != nullptr) {
      g_object_set(source, "tls-database", database, nullptr);
      g_object_unref(database);
    }
  }
}

void SourcePipeline::onPadAdded(GstElement*, GstPad* pad, gpointer self) {
  static_cast<SourcePipeline*>(self)->addStream(pad);
}

void SourcePipeline::addStream(GstPad* pad) {
  GstCaps* caps = gst_pad_get_current_caps(pad);
  if (caps == nullptr) {
    caps = gst_pad_query_caps(pad, nullptr);
  }
  const std::string media = gst_structure_get_name(gst_caps_get_structure(caps, 0));
  gst_caps_unref(caps);
  const bool video = media.rfind("video/", 0) == 0;
  const bool audio = media.rfind("audio/", 0) == 0;
  OutputFeed* feed = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (video && !hasVideo_ && video_ != nullptr) {
      feed = video_;
      hasVideo_ = true;
    } else if (audio && !hasAudio_ && audio_ != nullptr) {
      feed = audio_;
      hasAudio_ = true;
    }
  }
  GstBin* bin = GST_BIN(pipeline_.get());
  GstElement* sink = nullptr;
  if (feed == nullptr) {
    GST_INFO("%s: stream %s not used", options_.uri.c_str(), media.c_str());
    sink = rtp::addElement(bin, "fakesink");
    g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
  } else {
    GST_INFO("%s: playing stream %s", options_.uri.c_str(), media.c_str());
    sink = rtp::addElement(bin, "appsink");
    g_object_set(sink, "sync", TRUE, "enable-last-sample", FALSE, "max-buffers", 2u, nullptr);
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &SourcePipeline::onSample;
    gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks,
                               new StreamTap{feed, pipeline_.get(), &flowing_},
                               [](gpointer tap) { delete static_cast<StreamTap*>(tap); });
    feed->markDiscont();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    streams_.push_back(sink);
  }
  GstPad* sinkPad = gst_element_get_static_pad(sink, "sink");
  gst_pad_link(pad, sinkPad);
  gst_object_unref(sinkPad);
  // While the pipeline is on its way to PLAYING, a sink synced "with its parent" would go to
  // PLAYING before the pipeline hands out its base time and play its first second at once:
  // it prerolls in PAUSED and the pipeline takes it to PLAYING.
  if (GST_STATE(pipeline_.get()) == GST_STATE_PLAYING &&
      GST_STATE_PENDING(pipeline_.get()) == GST_STATE_VOID_PENDING) {
    gst_element_sync_state_with_parent(sink);
  } else {
    gst_element_set_state(sink, GST_STATE_PAUSED);
  }
}

GstFlowReturn SourcePipeline::onSample(GstAppSink* sink, gpointer data) {
  auto* tap = static_cast<StreamTap*>(data);
  GstSample* sample = gst_app_sink_pull_sample(sink);
  if (sample == nullptr) {
    return GST_FLOW_EOS;
  }
  tap->flowing->store(true);
  tap->feed->push(sample, tap->pipeline);
  gst_sample_unref(sample);
  return GST_FLOW_OK;
}

gboolean SourcePipeline::onBusMessage(GstBus*, GstMessage* message, gpointer weakSelf) {
  auto self = static_cast<std::weak_ptr<SourcePipeline>*>(weakSelf)->lock();
  if (!self) {
    return G_SOURCE_CONTINUE;
  }
  switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR:
      self->handleError(message);
      break;
    case GST_MESSAGE_EOS:
      self->handleEnd();
      break;
    case GST_MESSAGE_WARNING: {
      GError* error = nullptr;
      gst_message_parse_warning(message, &error, nullptr);
      GST_WARNING("%s: %s", self->options_.uri.c_str(), error != nullptr ? error->message : "?");
      g_clear_error(&error);
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

void SourcePipeline::handleError(GstMessage* message) {
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &error, &debug);
  const SourceError described = describeError(error, options_.uri);
  GST_WARNING("%s (%s)", described.description.c_str(), debug != nullptr ? debug : "");
  g_clear_error(&error);
  g_free(debug);
  if (reconnect(described.description)) {
    return;
  }
  stop();
  if (described.code == static_cast<int32_t>(kms::ErrorCode::kUnexpectedError) &&
      isNetworkUri(options_.uri)) {
    explainThenRaise(described);
    return;
  }
  raise(described);
}

void SourcePipeline::raise(const SourceError& error) {
  if (events_.onError) {
    events_.onError(error);
  }
}

void SourcePipeline::explainThenRaise(SourceError error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (check_.joinable()) {
    check_.join();  // the previous explanation is delivered or on the main loop's queue
  }
  NetworkCheckOptions check{options_.caFile, 3000, checkCancel_};
  const std::string uri = options_.uri;
  std::weak_ptr<SourcePipeline> weak = shared_from_this();
  // The thread never holds the pipeline: the answer goes to the main loop with a weak reference.
  check_ = std::thread([weak, error, check, uri]() mutable {
    const std::string reason = checkNetworkUri(uri, check);
    if (!reason.empty()) {
      error.type = "URI_PATH_FILE_NOT_FOUND";
      error.code = static_cast<int32_t>(kms::ErrorCode::kUriPathFileNotFound);
      error.description = "cannot open '" + uri + "': " + reason;
    }
    using Delivery = std::pair<std::weak_ptr<SourcePipeline>, SourceError>;
    g_idle_add_full(
        G_PRIORITY_DEFAULT,
        [](gpointer data) -> gboolean {
          auto* delivery = static_cast<Delivery*>(data);
          if (auto self = delivery->first.lock()) {
            self->raise(delivery->second);
          }
          return G_SOURCE_REMOVE;
        },
        new Delivery(weak, error), [](gpointer data) { delete static_cast<Delivery*>(data); });
  });
}

void SourcePipeline::handleEnd() {
  if (reconnect("the stream ended")) {
    return;
  }
  GST_INFO("%s: end of stream", options_.uri.c_str());
  if (audio_ != nullptr) {
    audio_->endOfStream();
  }
  if (video_ != nullptr) {
    video_->endOfStream();
  }
  stop();
  if (events_.onEnd) {
    events_.onEnd();
  }
}

// Live sources (RTSP cameras) drop and come back: restart the pipeline after a growing delay,
// a bounded number of times; media that flows again refills the budget.
bool SourcePipeline::reconnect(const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (flowing_.exchange(false)) {
    attemptsLeft_ = options_.reconnectAttempts;
  }
  if (!wantPlaying_ || attemptsLeft_ <= 0 || retryTimer_ != 0) {
    return false;
  }
  const int attempt = options_.reconnectAttempts - attemptsLeft_ + 1;
  --attemptsLeft_;
  const guint delayMs = std::min(kRetryMaxMs, kRetryBaseMs << std::min(attempt - 1, 4));
  GST_WARNING("%s: %s; reconnecting in %u ms (attempt %d of %d)", options_.uri.c_str(),
              why.c_str(), delayMs, attempt, options_.reconnectAttempts);
  std::weak_ptr<SourcePipeline> weak = shared_from_this();
  auto* data = new std::weak_ptr<SourcePipeline>(weak);
  retryTimer_ = g_timeout_add_full(
      G_PRIORITY_DEFAULT, delayMs,
      [](gpointer weakSelf) -> gboolean {
        if (auto self = static_cast<std::weak_ptr<SourcePipeline>*>(weakSelf)->lock()) {
          bool again = false;
          {
            std::lock_guard<std::mutex> lock(self->mutex_);
            self->retryTimer_ = 0;
            again = self->wantPlaying_;
          }
          if (again) {
            gst_element_set_state(self->pipeline_.get(), GST_STATE_NULL);
            self->removeStreams();
            gst_element_set_state(self->pipeline_.get(), GST_STATE_PLAYING);
          }
        }
        return G_SOURCE_REMOVE;
      },
      data, [](gpointer weakSelf) { delete static_cast<std::weak_ptr<SourcePipeline>*>(weakSelf); });
  return true;
}

void SourcePipeline::removeStreams() {
  std::vector<GstElement*> streams;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    streams.swap(streams_);
    hasAudio_ = false;
    hasVideo_ = false;
  }
  for (GstElement* sink : streams) {
    gst_element_set_state(sink, GST_STATE_NULL);
    gst_bin_remove(GST_BIN(pipeline_.get()), sink);
  }
}

void SourcePipeline::play() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wantPlaying_ = true;
    // No retries before media flows: a source that cannot be opened is an error at once;
    // one that flowed and dropped gets the budget back (reconnect()).
    attemptsLeft_ = 0;
  }
  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    GST_WARNING("%s: could not start", options_.uri.c_str());
  }
}

void SourcePipeline::pause() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wantPlaying_ = false;
  }
  gst_element_set_state(pipeline_.get(), GST_STATE_PAUSED);
}

void SourcePipeline::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wantPlaying_ = false;
    if (retryTimer_ != 0) {
      g_source_remove(retryTimer_);
      retryTimer_ = 0;
    }
  }
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  removeStreams();
}

bool SourcePipeline::stopped() const {
  GstState state = GST_STATE_NULL;
  GstState pending = GST_STATE_VOID_PENDING;
  gst_element_get_state(pipeline_.get(), &state, &pending, 0);
  return state <= GST_STATE_READY && pending == GST_STATE_VOID_PENDING;
}

void SourcePipeline::waitForPreroll() {
  gst_element_get_state(pipeline_.get(), nullptr, nullptr, kPrerollWait);
}

SourceInfo SourcePipeline::info() {
  SourceInfo info;
  if (stopped()) {
    return info;
  }
  waitForPreroll();
  GstQuery* query = gst_query_new_seeking(GST_FORMAT_TIME);
  if (gst_element_query(pipeline_.get(), query)) {
    gboolean seekable = FALSE;
    gint64 start = 0;
    gint64 end = 0;
    gst_query_parse_seeking(query, nullptr, &seekable, &start, &end);
    info.seekable = seekable != FALSE;
    info.seekableStartMs = toMs(start);
    info.seekableEndMs = toMs(end);
  }
  gst_query_unref(query);
  gint64 duration = 0;
  if (gst_element_query_duration(pipeline_.get(), GST_FORMAT_TIME, &duration)) {
    info.durationMs = toMs(duration);
  }
  return info;
}

int64_t SourcePipeline::positionMs() {
  if (stopped()) {
    return 0;
  }
  waitForPreroll();
  gint64 position = 0;
  return gst_element_query_position(pipeline_.get(), GST_FORMAT_TIME, &position) ? toMs(position)
                                                                                 : 0;
}

void SourcePipeline::seek(int64_t positionMs) {
  if (positionMs < 0) {
    seekFail("position " + std::to_string(positionMs) + " ms is negative");
  }
  if (stopped()) {
    seekFail("the player is stopped; call play() first");
  }
  const SourceInfo current = info();
  if (!current.seekable) {
    seekFail("the source '" + options_.uri + "' is not seekable (a live stream, or a server "
             "without range requests)");
  }
  if (current.durationMs > 0 && positionMs > current.durationMs) {
    seekFail("position " + std::to_string(positionMs) + " ms is past the end (" +
             std::to_string(current.durationMs) + " ms)");
  }
  // Encoded output must restart on a keyframe; decoded output can land exactly.
  const auto flags = static_cast<GstSeekFlags>(
      GST_SEEK_FLAG_FLUSH |
      (options_.encoded ? GST_SEEK_FLAG_KEY_UNIT | GST_SEEK_FLAG_SNAP_BEFORE : GST_SEEK_FLAG_ACCURATE));
  if (!gst_element_seek_simple(pipeline_.get(), GST_FORMAT_TIME, flags,
                               positionMs * GST_MSECOND)) {
    seekFail("GStreamer refused to seek '" + options_.uri + "' to " +
             std::to_string(positionMs) + " ms");
  }
  if (audio_ != nullptr) {
    audio_->markDiscont();
  }
  if (video_ != nullptr) {
    video_->markDiscont();
  }
}

}  // namespace kurento::player
