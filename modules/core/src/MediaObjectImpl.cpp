#include "MediaObjectImpl.hpp"

#include "MediaPipelineImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

namespace kurento {

namespace {

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

MediaObjectImpl::MediaObjectImpl(const std::shared_ptr<MediaObjectImpl>& parent)
    : parent_(parent), creationTimeS_(nowSeconds()) {}

std::shared_ptr<MediaPipelineImpl> MediaObjectImpl::getMediaPipeline() {
  for (MediaObjectImpl* object = this; object != nullptr; object = object->parent_.get()) {
    if (auto* pipeline = dynamic_cast<MediaPipelineImpl*>(object)) {
      return std::static_pointer_cast<MediaPipelineImpl>(pipeline->shared_from_this());
    }
  }
  return nullptr;
}

std::shared_ptr<MediaObjectImpl> MediaObjectImpl::getParent() { return parent_; }

std::string MediaObjectImpl::getId() { return id(); }

std::vector<std::shared_ptr<MediaObjectImpl>> MediaObjectImpl::getChildren() {
  std::vector<std::shared_ptr<MediaObjectImpl>> result;
  for (const auto& child : kms::serverContext().children(*this)) {
    if (auto object = std::dynamic_pointer_cast<MediaObjectImpl>(child)) {
      result.push_back(std::move(object));
    }
  }
  return result;
}

std::string MediaObjectImpl::getName() {
  std::lock_guard<std::mutex> lock(mutex_);
  // Kurento answers the id until a name is set.
  return name_.empty() ? id() : name_;
}

void MediaObjectImpl::setName(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  name_ = name;
}

bool MediaObjectImpl::getSendTagsInEvents() {
  std::lock_guard<std::mutex> lock(mutex_);
  return sendTagsInEvents_;
}

void MediaObjectImpl::setSendTagsInEvents(const bool& sendTagsInEvents) {
  std::lock_guard<std::mutex> lock(mutex_);
  sendTagsInEvents_ = sendTagsInEvents;
}

int32_t MediaObjectImpl::getCreationTime() { return static_cast<int32_t>(creationTimeS_); }

void MediaObjectImpl::addTag(const std::string& key, const std::string& value) {
  std::lock_guard<std::mutex> lock(mutex_);
  tags_[key] = value;
}

void MediaObjectImpl::removeTag(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (tags_.erase(key) == 0) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectTagKeyNotFound,
                                "object " + id() + " has no tag '" + key + "'");
  }
}

std::string MediaObjectImpl::getTag(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tags_.find(key);
  if (it == tags_.end()) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectTagKeyNotFound,
                                "object " + id() + " has no tag '" + key + "'");
  }
  return it->second;
}

std::vector<std::shared_ptr<Tag>> MediaObjectImpl::getTags() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<Tag>> result;
  for (const auto& [key, value] : tags_) {
    auto tag = std::make_shared<Tag>();
    tag->key = key;
    tag->value = value;
    result.push_back(std::move(tag));
  }
  return result;
}

kms::TagList MediaObjectImpl::eventTags() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!sendTagsInEvents_) {
    return {};
  }
  return kms::TagList(tags_.begin(), tags_.end());
}

void MediaObjectImpl::raiseMediaError(const std::string& type, const std::string& description,
                                      int32_t errorCode) const {
  Error event;
  event.type = type;
  event.description = description;
  event.errorCode = errorCode;
  raiseError(event);
}

}  // namespace kurento
