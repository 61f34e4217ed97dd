// A recording uploaded as it is written: one HTTP(S) POST with a chunked body, sent by libcurl
// from a thread of its own. (GStreamer's curlhttpsink cannot do https with Debian's GnuTLS
// libcurl: it fails on setting a crypto engine, and it trusts any certificate by default.)
#pragma once

#include <gst/gst.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kurento::recorder {

struct UploadTarget {
  std::string url;
  std::string contentType;
  std::string caFile;  // https: the trust anchors (PEM) instead of the system's, "" for those
};

class HttpUploader {
 public:
  // onEnd(error): once, from the upload's thread; "" when the server took the whole body.
  HttpUploader(UploadTarget target, std::function<void(const std::string& error)> onEnd);
  ~HttpUploader();  // aborts an upload still running and waits for its thread
  HttpUploader(const HttpUploader&) = delete;
  HttpUploader& operator=(const HttpUploader&) = delete;

  // Queues the buffer's bytes for the body; false when the upload has failed or the queue
  // is over its bound (the server does not keep up).
  bool write(GstBuffer* buffer);
  // The body is complete: the last chunk goes out, then onEnd.
  void finish();

 private:
  static size_t onRead(char* to, size_t size, size_t count, void* self);
  size_t read(char* to, size_t capacity);
  void run();

  const UploadTarget target_;
  const std::function<void(const std::string&)> onEnd_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::vector<uint8_t>> chunks_;
  size_t offset_ = 0;  // read position in chunks_.front()
  size_t queued_ = 0;  // bytes in chunks_
  bool finished_ = false;
  bool aborted_ = false;
  bool failed_ = false;
  std::thread thread_;
};

}  // namespace kurento::recorder
