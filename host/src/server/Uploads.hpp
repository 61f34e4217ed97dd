// The HTTP upload paths modules registered (HttpPostEndpoint), and the host's HTTP port.
#pragma once

#include <kms/sdk/HttpUpload.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace kms::host {

class Uploads {
 public:
  // A new unguessable path, "/upload/<uuid>".
  std::string add(std::weak_ptr<HttpUploadHandler> handler);
  void remove(const std::string& path);
  // The live handler of `path`; null when unknown, unregistered or gone.
  std::shared_ptr<HttpUploadHandler> find(std::string_view path) const;
  bool isUploadPath(std::string_view path) const { return path.rfind(kPrefix, 0) == 0; }

  void setPort(uint16_t port) { port_.store(port); }
  uint16_t port() const { return port_.load(); }

 private:
  static constexpr std::string_view kPrefix = "/upload/";
  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<HttpUploadHandler>, std::less<>> handlers_;
  std::atomic<uint16_t> port_{0};
};

}  // namespace kms::host
