// A ServerContext for driving module code in-process without the host: keeps the objects
// the test registers, records every event, and runs a GLib main loop for timers.
#pragma once

#include <kms/sdk/ServerContext.hpp>

#include <glib.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kms::test {

struct RecordedEvent {
  std::string sourceId;
  std::string type;
  std::string dataJson;
};

class TestContext : public ServerContext {
 public:
  TestContext();
  ~TestContext() override;

  // Assigns `id`, registers and runs postConstructor, as the host does.
  template <class T>
  std::shared_ptr<T> add(std::shared_ptr<T> object, const std::string& id) {
    object->assignId(id);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      objects_[id] = object;
    }
    object->postConstructor();
    return object;
  }
  void release(const RemoteObject& object);

  // Waits up to `timeoutMs` for an event of `type` from `sourceId` whose JSON contains
  // `needle`; returns its JSON or "" on time-out.
  std::string waitForEvent(const std::string& sourceId, const std::string& type,
                           const std::string& needle, int timeoutMs);
  std::vector<RecordedEvent> events() const;

  RemoteObjectPtr findObject(const std::string& id) const override;
  std::vector<RemoteObjectPtr> children(const RemoteObject& parent) const override;
  std::vector<RemoteObjectPtr> objectsOfType(const std::string& qualifiedType) const override;
  void registerSingleton(RemoteObjectPtr object, const std::string& id) override;
  void emitEvent(const RemoteObject& source, const std::string& type, JsonDocument data) override;
  void addObjectObserver(ObjectObserver observer) override;
  const ClassConfig& classConfig(const std::string& className) const override;
  std::vector<std::string> sessionIds() const override { return {}; }
  std::vector<ModuleSummary> modules() const override { return {}; }
  std::string moduleKmd(const std::string& moduleName) const override;
  std::string serverVersion() const override { return "7.3.0"; }
  std::string metadata() const override { return ""; }
  // No HTTP listener in these tests: uploads are exercised against the real server.
  std::string registerHttpUpload(std::weak_ptr<kms::HttpUploadHandler>) override { return ""; }
  void unregisterHttpUpload(const std::string&) override {}
  uint16_t httpPort() const override { return 0; }

  std::map<std::string, ClassConfig> configs;

 private:
  mutable std::mutex mutex_;
  std::condition_variable eventArrived_;
  std::map<std::string, RemoteObjectPtr> objects_;
  std::vector<RecordedEvent> events_;
  std::vector<ObjectObserver> observers_;
  GMainLoop* loop_;
  std::thread loopThread_;
};

}  // namespace kms::test
