// HttpPostEndpoint: a client POSTs a media file (plain body or multipart/form-data) to getUrl();
// the host streams the body here as it arrives, and it plays in real time out of the element
// (decoded, or encoded with useEncodedMedia) through the player's SourcePipeline. EndOfStream
// when the upload has played; a client that drops may POST the rest within
// disconnectionTimeout seconds.
#pragma once

#include "HttpPostEndpointBase.hpp"
#include "player/OutputFeed.hpp"
#include "player/SourcePipeline.hpp"

#include <kms/sdk/HttpUpload.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace kurento {

class HttpPostEndpointImpl : public HttpPostEndpointBase {
 public:
  HttpPostEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                       int32_t disconnectionTimeout, bool useEncodedMedia);
  ~HttpPostEndpointImpl() override;

  void postConstructor() override;
  void releaseResources() override;

  // kms::HttpUploadHandler, through a small adapter that holds this element weakly.
  std::string beginUpload(const std::string& contentType);
  bool uploadData(const uint8_t* bytes, size_t size, std::function<void()> resume);
  void endUpload(bool complete);

 private:
  static constexpr guint64 kQueueHighBytes = 2 * 1024 * 1024;

  void startSource();
  void endOfBody();
  static void onNeedData(GstElement* appsrc, guint length, gpointer self);

  const int32_t disconnectionTimeoutS_;
  const bool encoded_;
  player::OutputFeed audio_;
  player::OutputFeed video_;
  std::shared_ptr<kms::HttpUploadHandler> handler_;
  std::string path_;

  std::mutex mutex_;
  std::shared_ptr<player::SourcePipeline> source_;
  GstElement* appsrc_ = nullptr;  // owned by source_'s pipeline
  bool receiving_ = false;
  guint disconnectTimer_ = 0;
  std::function<void()> resume_;
};

}  // namespace kurento
