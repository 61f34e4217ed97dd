// MediaObject: name, tags, parent/children, creation time; the root of every core class.
#pragma once

#include "MediaObjectBase.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kurento {

class MediaPipelineImpl;

class MediaObjectImpl : public MediaObjectBase {
 public:
  // `parent` is null for pipelines and the server manager.
  explicit MediaObjectImpl(const std::shared_ptr<MediaObjectImpl>& parent = nullptr);

  std::shared_ptr<MediaPipelineImpl> getMediaPipeline() override;
  std::shared_ptr<MediaObjectImpl> getParent() override;
  std::string getId() override;
  std::vector<std::shared_ptr<MediaObjectImpl>> getChildren() override;
  std::string getName() override;
  void setName(const std::string& name) override;
  bool getSendTagsInEvents() override;
  void setSendTagsInEvents(const bool& sendTagsInEvents) override;
  int32_t getCreationTime() override;

  void addTag(const std::string& key, const std::string& value) override;
  void removeTag(const std::string& key) override;
  std::string getTag(const std::string& key) override;
  std::vector<std::shared_ptr<Tag>> getTags() override;

  kms::RemoteObjectPtr parentObject() const override { return parent_; }
  kms::TagList eventTags() const override;

  // Raises the `Error` event (for media faults that must not become a request error).
  void raiseMediaError(const std::string& type, const std::string& description,
                       int32_t errorCode) const;

 private:
  const std::shared_ptr<MediaObjectImpl> parent_;
  const int64_t creationTimeS_;
  mutable std::mutex mutex_;  // name and tags are read from streaming threads (events)
  std::string name_;
  bool sendTagsInEvents_ = false;
  std::map<std::string, std::string> tags_;
};

}  // namespace kurento
