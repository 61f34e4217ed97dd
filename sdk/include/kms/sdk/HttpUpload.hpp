// HTTP uploads into a module (HttpPostEndpoint): the host's HTTP listener hands the body of a
// POST to a registered path to its handler as it arrives, with flow control.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace kms {

// Called on one of the host's I/O threads, one call at a time per upload.
class HttpUploadHandler {
 public:
  virtual ~HttpUploadHandler() = default;
  // A POST began ("video/webm", or the type of the file part of a multipart/form-data body).
  // Returns "" to accept it, or why not (the client gets 409 Conflict with that text).
  virtual std::string begin(const std::string& contentType) = 0;
  // Bytes of the body (multipart framing removed), in order. Returns false to stop reading
  // for now; the handler then calls `resume` once (from any thread) when it wants more.
  virtual bool data(const uint8_t* bytes, size_t size, std::function<void()> resume) = 0;
  // The upload ended: `complete` when the whole body arrived, false when the client went away
  // or sent a malformed body.
  virtual void end(bool complete) = 0;
};

}  // namespace kms
