#include "HttpUploader.hpp"

#include <kms/sdk/Gst.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <cstring>

namespace kurento::recorder {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-recorder-upload", "Recording uploads");
// What may wait for a slow server before the recording fails rather than eat the memory.
constexpr size_t kMaxQueuedBytes = 64 * 1024 * 1024;
constexpr long kConnectTimeoutS = 10;

std::once_flag curlInit;
}  // namespace
#define GST_CAT_DEFAULT kCat

HttpUploader::HttpUploader(UploadTarget target, std::function<void(const std::string&)> onEnd)
    : target_(std::move(target)), onEnd_(std::move(onEnd)) {
  std::call_once(curlInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  thread_ = std::thread([this] { run(); });
}

HttpUploader::~HttpUploader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    aborted_ = true;
  }
  ready_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

bool HttpUploader::write(GstBuffer* buffer) {
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
    return false;
  }
  std::vector<uint8_t> bytes(map.data, map.data + map.size);
  gst_buffer_unmap(buffer, &map);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed_ || aborted_ || queued_ + bytes.size() > kMaxQueuedBytes) {
      return false;
    }
    queued_ += bytes.size();
    chunks_.push_back(std::move(bytes));
  }
  ready_.notify_all();
  return true;
}

void HttpUploader::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
  }
  ready_.notify_all();
}

size_t HttpUploader::onRead(char* to, size_t size, size_t count, void* self) {
  return static_cast<HttpUploader*>(self)->read(to, size * count);
}

// libcurl asks for body bytes: wait for some, the end of the body (0) or an abort.
size_t HttpUploader::read(char* to, size_t capacity) {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [this] { return aborted_ || finished_ || !chunks_.empty(); });
  if (aborted_) {
    return CURL_READFUNC_ABORT;
  }
  size_t copied = 0;
  while (copied < capacity && !chunks_.empty()) {
    const std::vector<uint8_t>& front = chunks_.front();
    const size_t n = std::min(capacity - copied, front.size() - offset_);
    std::memcpy(to + copied, front.data() + offset_, n);
    copied += n;
    offset_ += n;
    if (offset_ == front.size()) {
      queued_ -= front.size();
      chunks_.pop_front();
      offset_ = 0;
    }
  }
  return copied;  // 0 only when finished: the last chunk
}

void HttpUploader::run() {
  CURL* curl = curl_easy_init();
  char errorText[CURL_ERROR_SIZE] = "";
  const std::string contentType = "Content-Type: " + target_.contentType;
  curl_slist* headers = curl_slist_append(nullptr, "Transfer-Encoding: chunked");
  headers = curl_slist_append(headers, contentType.c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_URL, target_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, &HttpUploader::onRead);
  curl_easy_setopt(curl, CURLOPT_READDATA, this);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutS);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorText);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!target_.caFile.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, target_.caFile.c_str());
  }
  const CURLcode result = curl_easy_perform(curl);
  std::string error;
  if (result != CURLE_OK) {
    error = errorText[0] != '\0' ? errorText : curl_easy_strerror(result);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  bool aborted = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    failed_ = !error.empty();
    aborted = aborted_;
  }
  if (aborted) {
    return;  // the writer is going away: nobody to tell
  }
  GST_INFO("%s: upload %s", target_.url.c_str(), error.empty() ? "complete" : error.c_str());
  onEnd_(error);
}

}  // namespace kurento::recorder
