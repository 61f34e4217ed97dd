#include "HttpPostEndpointImpl.hpp"

#include "MediaPipelineImpl.hpp"
#include "rtp/MediaPaths.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <gst/app/gstappsrc.h>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-httppost", "HttpPostEndpoint");

constexpr int32_t kMaxDisconnectionTimeoutS = 3600;

// The host's upload calls, forwarded to the element while it lives.
class UploadAdapter : public kms::HttpUploadHandler {
 public:
  explicit UploadAdapter(std::weak_ptr<HttpPostEndpointImpl> endpoint)
      : endpoint_(std::move(endpoint)) {}
  std::string begin(const std::string& contentType) override {
    auto endpoint = endpoint_.lock();
    return endpoint ? endpoint->beginUpload(contentType) : "the endpoint was released";
  }
  bool data(const uint8_t* bytes, size_t size, std::function<void()> resume) override {
    auto endpoint = endpoint_.lock();
    return endpoint ? endpoint->uploadData(bytes, size, std::move(resume)) : true;
  }
  void end(bool complete) override {
    if (auto endpoint = endpoint_.lock()) {
      endpoint->endUpload(complete);
    }
  }

 private:
  std::weak_ptr<HttpPostEndpointImpl> endpoint_;
};

int32_t checkedTimeout(int32_t seconds) {
  if (seconds < 0 || seconds > kMaxDisconnectionTimeoutS) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "disconnectionTimeout must be within 0-" +
                                    std::to_string(kMaxDisconnectionTimeoutS) + " s, got " +
                                    std::to_string(seconds));
  }
  return seconds;
}

}  // namespace
#define GST_CAT_DEFAULT kCat

HttpPostEndpointImpl::HttpPostEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                                           int32_t disconnectionTimeout, bool useEncodedMedia)
    : HttpPostEndpointBase(mediaPipeline, "httppost"),
      disconnectionTimeoutS_(checkedTimeout(disconnectionTimeout)),
      encoded_(useEncodedMedia),
      audio_(bin(), outputSinkPad(MediaType::AUDIO), "httppost_audio"),
      video_(bin(), outputSinkPad(MediaType::VIDEO), "httppost_video") {}

HttpPostEndpointImpl::~HttpPostEndpointImpl() {
  if (disconnectTimer_ != 0) {
    g_source_remove(disconnectTimer_);
  }
  source_.reset();
}

void HttpPostEndpointImpl::postConstructor() {
  HttpPostEndpointBase::postConstructor();
  handler_ = std::make_shared<UploadAdapter>(
      std::static_pointer_cast<HttpPostEndpointImpl>(shared_from_this()));
  path_ = kms::serverContext().registerHttpUpload(handler_);
  setPath(path_);
  GST_INFO("%s: uploads at %s", id().c_str(), getUrl().c_str());
}

void HttpPostEndpointImpl::releaseResources() {
  kms::serverContext().unregisterHttpUpload(path_);
  std::shared_ptr<player::SourcePipeline> source;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    source.swap(source_);
  }
  if (source) {
    source->stop();
  }
  HttpPostEndpointBase::releaseResources();
}

// Called with mutex_ held: a new private pipeline, appsrc (the body's bytes) ! decodebin.
void HttpPostEndpointImpl::startSource() {
  GstElement* appsrc = gst_element_factory_make("appsrc", "upload");
  GstElement* decoder = gst_element_factory_make("decodebin", nullptr);
  if (appsrc == nullptr || decoder == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                "GStreamer elements appsrc/decodebin are missing "
                                "(gstreamer1.0-plugins-base)");
  }
  // Half empty asks for more: reading resumes before the decoder runs dry.
  g_object_set(appsrc, "format", GST_FORMAT_BYTES, "stream-type", GST_APP_STREAM_TYPE_STREAM,
               "max-bytes", kQueueHighBytes, "min-percent", 50u, "block", FALSE, nullptr);
  g_signal_connect(appsrc, "need-data", G_CALLBACK(&HttpPostEndpointImpl::onNeedData), this);
  player::SourceOptions options;
  options.uri = getUrl();
  options.encoded = encoded_;
  std::weak_ptr<HttpPostEndpointImpl> weak =
      std::static_pointer_cast<HttpPostEndpointImpl>(shared_from_this());
  player::SourceEvents events;
  events.onEnd = [weak] {
    if (auto self = weak.lock()) {
      self->raiseEndOfStream(EndOfStream{});
      self->raiseMediaSessionTerminated(MediaSessionTerminated{});
    }
  };
  events.onError = [weak](const player::SourceError& error) {
    if (auto self = weak.lock()) {
      self->raiseMediaError(error.type, error.description, error.code);
    }
  };
  source_ = player::SourcePipeline::create(id() + "_upload", appsrc, decoder, options, &audio_,
                                           &video_, GST_ELEMENT(getMediaPipeline()->bin()),
                                           std::move(events));
  appsrc_ = appsrc;
  source_->play();
}

void HttpPostEndpointImpl::onNeedData(GstElement*, guint, gpointer data) {
  auto* self = static_cast<HttpPostEndpointImpl*>(data);
  std::function<void()> resume;
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    resume.swap(self->resume_);
  }
  if (resume) {
    resume();
  }
}

std::string HttpPostEndpointImpl::beginUpload(const std::string& contentType) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (receiving_) {
      return "an upload to this endpoint is in progress";
    }
    receiving_ = true;
    if (disconnectTimer_ != 0) {
      // The client came back in time: its body continues the same stream.
      g_source_remove(disconnectTimer_);
      disconnectTimer_ = 0;
      GST_INFO("%s: upload resumed (%s)", id().c_str(), contentType.c_str());
      return "";
    }
    if (source_ && !source_->stopped()) {
      receiving_ = false;
      return "the previous upload is still playing";
    }
    try {
      startSource();
    } catch (const std::exception& error) {
      receiving_ = false;
      return error.what();
    }
  }
  GST_INFO("%s: upload started (%s)", id().c_str(), contentType.c_str());
  raiseMediaSessionStarted(MediaSessionStarted{});
  return "";
}

bool HttpPostEndpointImpl::uploadData(const uint8_t* bytes, size_t size,
                                      std::function<void()> resume) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (appsrc_ == nullptr) {
    return true;
  }
  gst_app_src_push_buffer(GST_APP_SRC(appsrc_), gst_buffer_new_memdup(bytes, size));
  if (gst_app_src_get_current_level_bytes(GST_APP_SRC(appsrc_)) < kQueueHighBytes) {
    return true;
  }
  resume_ = std::move(resume);  // need-data calls it once the decoder took half
  return false;
}

void HttpPostEndpointImpl::endUpload(bool complete) {
  std::lock_guard<std::mutex> lock(mutex_);
  receiving_ = false;
  resume_ = nullptr;
  if (complete || disconnectionTimeoutS_ == 0) {
    endOfBody();
    return;
  }
  GST_INFO("%s: the client went away; waiting %d s for it to continue", id().c_str(),
           disconnectionTimeoutS_);
  std::weak_ptr<HttpPostEndpointImpl> weak =
      std::static_pointer_cast<HttpPostEndpointImpl>(shared_from_this());
  disconnectTimer_ = g_timeout_add_seconds_full(
      G_PRIORITY_DEFAULT, static_cast<guint>(disconnectionTimeoutS_),
      [](gpointer data) -> gboolean {
        if (auto self = static_cast<std::weak_ptr<HttpPostEndpointImpl>*>(data)->lock()) {
          std::lock_guard<std::mutex> lock(self->mutex_);
          self->disconnectTimer_ = 0;
          self->endOfBody();
        }
        return G_SOURCE_REMOVE;
      },
      new std::weak_ptr<HttpPostEndpointImpl>(weak),
      [](gpointer data) { delete static_cast<std::weak_ptr<HttpPostEndpointImpl>*>(data); });
}

// Called with mutex_ held: what arrived plays to its end, then EndOfStream.
void HttpPostEndpointImpl::endOfBody() {
  if (appsrc_ != nullptr) {
    gst_app_src_end_of_stream(GST_APP_SRC(appsrc_));
    appsrc_ = nullptr;
  }
}

}  // namespace kurento
