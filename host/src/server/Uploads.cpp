#include "Uploads.hpp"

#include "Ids.hpp"

namespace kms::host {

std::string Uploads::add(std::weak_ptr<HttpUploadHandler> handler) {
  std::string path = std::string(kPrefix) + newUuid();
  std::lock_guard<std::mutex> lock(mutex_);
  handlers_[path] = std::move(handler);
  return path;
}

void Uploads::remove(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  handlers_.erase(path);
}

std::shared_ptr<HttpUploadHandler> Uploads::find(std::string_view path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = handlers_.find(path);
  return found != handlers_.end() ? found->second.lock() : nullptr;
}

}  // namespace kms::host
