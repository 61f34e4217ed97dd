#include "Writer.hpp"

#include "rtp/MediaPaths.hpp"

#include <kms/sdk/Error.hpp>

#include <glib/gstdio.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace kurento::recorder {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-recorder-writer", "Recorder writer");

constexpr guint64 kMaxQueuedBytes = 32 * 1024 * 1024;
// The media time a batch spans before it goes to the muxer (what a crash may lose on top of
// the muxer's own fragment), and the most buffers it holds.
constexpr GstClockTime kBatch = 200 * GST_MSECOND;
constexpr guint kBatchBuffers = 16;

GstElement* parseBin(const std::string& description) {
  GError* error = nullptr;
  GstElement* bin = gst_parse_bin_from_description(description.c_str(), TRUE, &error);
  if (bin == nullptr) {
    const std::string message = error != nullptr ? error->message : "?";
    g_clear_error(&error);
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "cannot build '" + description + "': " + message);
  }
  return bin;
}

GstElement* parseElement(const std::string& description) {
  GError* error = nullptr;
  GstElement* element = gst_parse_launch(description.c_str(), &error);
  if (element == nullptr || error != nullptr) {
    const std::string message = error != nullptr ? error->message : "?";
    g_clear_error(&error);
    if (element != nullptr) {
      gst_object_unref(element);
    }
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "cannot build '" + description + "': " + message);
  }
  return element;
}

// The muxer's request pad for audio or video, whatever its template is called ("video_%u" in
// Matroska and MP4, "video" in FLV).
GstPad* requestMuxerPad(GstElement* muxer, bool video) {
  const char* prefix = video ? "video" : "audio";
  const GList* templates = gst_element_class_get_pad_template_list(GST_ELEMENT_GET_CLASS(muxer));
  for (const GList* item = templates; item != nullptr; item = item->next) {
    auto* pad = static_cast<GstPadTemplate*>(item->data);
    if (GST_PAD_TEMPLATE_DIRECTION(pad) == GST_PAD_SINK &&
        GST_PAD_TEMPLATE_PRESENCE(pad) == GST_PAD_REQUEST &&
        std::strncmp(GST_PAD_TEMPLATE_NAME_TEMPLATE(pad), prefix, std::strlen(prefix)) == 0) {
      return gst_element_request_pad(muxer, pad, nullptr, nullptr);
    }
  }
  return nullptr;
}

// Holds `pin` (a capsfilter before an encoder) to the colorimetry of the first caps that
// reach it: a source whose colorimetry changes mid-stream (a hub's output when a browser joins,
// a decoder after a new keyframe header) is converted back to it, since the muxers refuse a
// change of the encoded stream's colorimetry ("Caps changes are not supported by Matroska")
// and the recording would end in an error.
GstPadProbeReturn holdFirstColorimetry(GstPad*, GstPadProbeInfo* info, gpointer pin) {
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS) {
    return GST_PAD_PROBE_OK;
  }
  GstCaps* caps = nullptr;
  gst_event_parse_caps(event, &caps);
  const gchar* colorimetry = gst_structure_get_string(gst_caps_get_structure(caps, 0), "colorimetry");
  if (colorimetry != nullptr) {
    GstCaps* held = gst_caps_new_simple("video/x-raw", "colorimetry", G_TYPE_STRING, colorimetry,
                                        nullptr);
    g_object_set(pin, "caps", held, nullptr);
    gst_caps_unref(held);
  }
  return GST_PAD_PROBE_REMOVE;
}

void pinColorimetry(GstElement* chain) {
  GstElement* pin = gst_bin_get_by_name(GST_BIN(chain), kColorimetryPin);
  if (pin == nullptr) {
    return;
  }
  GstPad* sink = gst_element_get_static_pad(pin, "sink");
  gst_pad_add_probe(sink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, &holdFirstColorimetry, pin,
                    nullptr);
  gst_object_unref(sink);
  gst_object_unref(pin);  // the chain keeps it, and the probe goes with it
}

}  // namespace
#define GST_CAT_DEFAULT kCat

std::shared_ptr<Writer> Writer::create(const std::string& name, const Profile& profile,
                                       const WriterTarget& target,
                                       const std::vector<StreamStart>& streams, int bitrateBps,
                                       WriterEvents events) {
  std::shared_ptr<Writer> writer(new Writer(std::move(events)));
  writer->build(name, profile, target, streams, bitrateBps);
  return writer;
}

Writer::~Writer() {
  if (pipeline_) {
    gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  }
  if (busWatch_ != 0) {
    g_source_remove(busWatch_);
  }
  for (Stream& stream : streams_) {
    if (stream.batch != nullptr) {
      gst_buffer_list_unref(stream.batch);
    }
    if (stream.caps != nullptr) {
      gst_caps_unref(stream.caps);
    }
  }
}

GstElement* Writer::makeSink(const Profile& profile, const WriterTarget& target) {
  const std::string& localPath = target.localPath;
  GstElement* sink = nullptr;
  if (!localPath.empty()) {
    sink = rtp::addElement(GST_BIN(pipeline_.get()), "filesink");
    // Small writes: what a crash loses is what the muxer had not flushed, not a 64 KiB buffer.
    g_object_set(sink, "location", localPath.c_str(), "buffer-mode", 2 /* unbuffered */,
                 nullptr);
  } else {
    sink = rtp::addElement(GST_BIN(pipeline_.get()), "appsink");
    g_object_set(sink, "enable-last-sample", FALSE, nullptr);
    std::weak_ptr<Writer> weak = shared_from_this();
    uploader_ = std::make_unique<HttpUploader>(
        UploadTarget{target.uri, profile.contentType, target.caFile},
        [weak](const std::string& error) { postUploadEnd(weak, error); });
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &Writer::onUploadSample;
    gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks, uploader_.get(), nullptr);
  }
  g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
  return sink;
}

void Writer::build(const std::string& name, const Profile& profile, const WriterTarget& target,
                   const std::vector<StreamStart>& streams,
                   int bitrateBps) {
  target_ = target.localPath.empty() ? target.uri : target.localPath;
  pipeline_ = kms::GRef<GstElement>::adopt(gst_pipeline_new(name.c_str()));
  GstElement* sink = makeSink(profile, target);
  GstElement* muxer = nullptr;
  const std::string muxerText = target.localPath.empty() ? profile.streamMuxer : profile.muxer;
  if (!muxerText.empty()) {
    muxer = parseElement(muxerText);
    gst_bin_add(GST_BIN(pipeline_.get()), muxer);
    rtp::linkPads(muxer, "src", sink, "sink");
  }
  for (const StreamStart& start : streams) {
    addStream(profile, start, muxer, sink, bitrateBps);
  }
  kms::GRef<GstBus> bus = kms::GRef<GstBus>::adopt(gst_element_get_bus(pipeline_.get()));
  busWatch_ = gst_bus_add_watch_full(
      bus.get(), G_PRIORITY_DEFAULT, &Writer::onBusMessage,
      new std::weak_ptr<Writer>(shared_from_this()),
      [](gpointer weak) { delete static_cast<std::weak_ptr<Writer>*>(weak); });
  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    // The reason (e.g. the file cannot be opened) is the error message on the bus.
    GST_WARNING("%s: the writer did not start", target_.c_str());
  }
}

void Writer::addStream(const Profile& profile, const StreamStart& start, GstElement* muxer,
                       GstElement* sink, int bitrateBps) {
  const MediaRule& rule = start.video ? profile.video : profile.audio;
  Stream& stream = streams_[start.video ? 1 : 0];
  const std::string media = gst_structure_get_name(gst_caps_get_structure(start.caps, 0));
  const std::string chainText = chainFor(rule, start.video, media, bitrateBps, stream.transcoding);
  GST_INFO("%s: %s %s through '%s'", target_.c_str(), start.video ? "video" : "audio",
           media.c_str(), chainText.c_str());
  GstBin* bin = GST_BIN(pipeline_.get());
  stream.appsrc = rtp::addElement(bin, "appsrc");
  g_object_set(stream.appsrc, "format", GST_FORMAT_TIME, "is-live", FALSE, "max-bytes",
               kMaxQueuedBytes, "block", FALSE, "caps", start.caps, nullptr);
  gst_caps_replace(&stream.caps, start.caps);
  // appsrc pushes from a thread of its own: no queue between it and the chain.
  GstElement* chain = parseBin(chainText);
  pinColorimetry(chain);
  gst_bin_add(bin, chain);
  rtp::linkPads(stream.appsrc, "src", chain, "sink");
  if (muxer == nullptr) {
    rtp::linkPads(chain, "src", sink, "sink");
    return;
  }
  GstPad* chainSrc = gst_element_get_static_pad(chain, "src");
  GstPad* muxerSink = requestMuxerPad(muxer, start.video);
  const bool linked = muxerSink != nullptr && gst_pad_link(chainSrc, muxerSink) == GST_PAD_LINK_OK;
  gst_object_unref(chainSrc);
  if (muxerSink != nullptr) {
    gst_object_unref(muxerSink);
  }
  if (!linked) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot write " + media + " into " + profile.name);
  }
}

bool Writer::writes(bool video) const { return streams_[video ? 1 : 0].appsrc != nullptr; }

bool Writer::transcodes(bool video) const { return streams_[video ? 1 : 0].transcoding; }

void Writer::push(bool video, GstBuffer* buffer, GstCaps* caps) {
  Stream& stream = streams_[video ? 1 : 0];
  if (stream.appsrc == nullptr) {
    gst_buffer_unref(buffer);
    return;
  }
  std::lock_guard<std::mutex> lock(stream.batchMutex);
  if (caps != nullptr && (stream.caps == nullptr || !gst_caps_is_equal(stream.caps, caps))) {
    flushBatch(stream);  // buffers of the old caps go first
    gst_caps_replace(&stream.caps, caps);
    gst_app_src_set_caps(GST_APP_SRC(stream.appsrc), caps);
  }
  const GstClockTime time =
      GST_BUFFER_DTS_IS_VALID(buffer) ? GST_BUFFER_DTS(buffer) : GST_BUFFER_PTS(buffer);
  if (stream.batch == nullptr) {
    stream.batch = gst_buffer_list_new();
    stream.batchStart = time;
  }
  gst_buffer_list_add(stream.batch, buffer);
  const bool spanned = GST_CLOCK_TIME_IS_VALID(time) &&
                       GST_CLOCK_TIME_IS_VALID(stream.batchStart) &&
                       time >= stream.batchStart + kBatch;
  if (spanned || gst_buffer_list_length(stream.batch) >= kBatchBuffers) {
    flushBatch(stream);
  }
}

void Writer::flushBatch(Stream& stream) {
  if (stream.batch == nullptr) {
    return;
  }
  GstBufferList* batch = stream.batch;
  stream.batch = nullptr;
  const GstFlowReturn flow = gst_app_src_push_buffer_list(GST_APP_SRC(stream.appsrc), batch);
  if (flow != GST_FLOW_OK) {
    GST_DEBUG("%s: push %s", target_.c_str(), gst_flow_get_name(flow));
  }
}

void Writer::finish() {
  GST_INFO("%s: finishing", target_.c_str());
  bool any = false;
  for (Stream& stream : streams_) {
    if (stream.appsrc != nullptr) {
      std::lock_guard<std::mutex> lock(stream.batchMutex);
      flushBatch(stream);
      gst_app_src_end_of_stream(GST_APP_SRC(stream.appsrc));
      any = true;
    }
  }
  if (!any) {
    done();
  }
}

bool Writer::waitFinished(int timeoutMs) {
  std::unique_lock<std::mutex> lock(mutex_);
  return finishedCv_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                              [this] { return finished_; });
}

void Writer::done() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_ || finishing_) {
      return;
    }
    finishing_ = true;
  }
  // Listeners first: the Stopped event goes out before stopAndWait() returns.
  if (events_.onFinished) {
    events_.onFinished();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
  }
  finishedCv_.notify_all();
}

GstFlowReturn Writer::onUploadSample(GstAppSink* sink, gpointer uploader) {
  GstSample* sample = gst_app_sink_pull_sample(sink);
  if (sample == nullptr) {
    return GST_FLOW_FLUSHING;
  }
  const bool queued = static_cast<HttpUploader*>(uploader)->write(gst_sample_get_buffer(sample));
  gst_sample_unref(sample);
  if (!queued) {
    GError* error = g_error_new_literal(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
                                        "the upload failed or the server does not keep up");
    gst_element_post_message(GST_ELEMENT(sink),
                             gst_message_new_error(GST_OBJECT(sink), error, nullptr));
    g_error_free(error);
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

void Writer::postUploadEnd(const std::weak_ptr<Writer>& weak, const std::string& error) {
  using Delivery = std::pair<std::weak_ptr<Writer>, std::string>;
  g_idle_add_full(
      G_PRIORITY_DEFAULT,
      [](gpointer data) -> gboolean {
        auto* delivery = static_cast<Delivery*>(data);
        if (auto self = delivery->first.lock()) {
          if (delivery->second.empty()) {
            GST_INFO("%s: uploaded", self->target_.c_str());
            gst_element_set_state(self->pipeline_.get(), GST_STATE_NULL);
            self->done();
          } else {
            self->fail("cannot record to '" + self->target_ + "': " + delivery->second);
          }
        }
        return G_SOURCE_REMOVE;
      },
      new Delivery(weak, error), [](gpointer data) { delete static_cast<Delivery*>(data); });
}

gboolean Writer::onBusMessage(GstBus*, GstMessage* message, gpointer weakSelf) {
  auto self = static_cast<std::weak_ptr<Writer>*>(weakSelf)->lock();
  if (!self) {
    return G_SOURCE_CONTINUE;
  }
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_EOS) {
    if (self->uploader_) {
      // Everything is in the body: its last chunk goes out; the upload's end finishes.
      self->uploader_->finish();
      return G_SOURCE_CONTINUE;
    }
    GST_INFO("%s: complete", self->target_.c_str());
    gst_element_set_state(self->pipeline_.get(), GST_STATE_NULL);
    self->done();
  } else if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    self->handleErrorMessage(message);
  }
  return G_SOURCE_CONTINUE;
}

void Writer::handleErrorMessage(GstMessage* message) {
  GError* error = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &error, &debug);
  std::string description =
      "cannot record to '" + target_ + "': " + (error != nullptr ? error->message : "?");
  // GStreamer puts the OS error ("system error: Permission denied") in the debug text.
  const char* system = debug != nullptr ? std::strstr(debug, "system error: ") : nullptr;
  const char* flow = debug != nullptr ? std::strstr(debug, "streaming stopped, ") : nullptr;
  if (system != nullptr) {
    description += std::string(" (") + (system + 14) + ")";
  } else if (flow != nullptr) {
    description += std::string(" (") + flow + ")";
  }
  GST_WARNING("%s (%s)", description.c_str(), debug != nullptr ? debug : "");
  g_clear_error(&error);
  g_free(debug);
  fail(description);
}

void Writer::fail(const std::string& description) {
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    first = !failed_;
    failed_ = true;
  }
  if (first && events_.onError) {
    events_.onError("RECORDER_ERROR", static_cast<int32_t>(kms::ErrorCode::kUnexpectedError),
                    description);
  }
  done();
}

}  // namespace kurento::recorder
