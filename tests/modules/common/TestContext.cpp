#include "TestContext.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <chrono>

namespace kms::test {

TestContext::TestContext() : loop_(g_main_loop_new(nullptr, FALSE)) {
  setServerContext(this);
  loopThread_ = std::thread([this] { g_main_loop_run(loop_); });
}

TestContext::~TestContext() {
  // Quit from inside the loop: a quit before the thread has entered g_main_loop_run is lost.
  g_idle_add(
      [](gpointer loop) {
        g_main_loop_quit(static_cast<GMainLoop*>(loop));
        return G_SOURCE_REMOVE;
      },
      loop_);
  loopThread_.join();
  g_main_loop_unref(loop_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    objects_.clear();
  }
  setServerContext(nullptr);
}

void TestContext::release(const RemoteObject& object) {
  const_cast<RemoteObject&>(object).releaseResources();
  std::lock_guard<std::mutex> lock(mutex_);
  objects_.erase(object.id());
}

std::string TestContext::waitForEvent(const std::string& sourceId, const std::string& type,
                                      const std::string& needle, int timeoutMs) {
  std::unique_lock<std::mutex> lock(mutex_);
  std::string found;
  eventArrived_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
    for (const auto& event : events_) {
      if (event.sourceId == sourceId && event.type == type &&
          event.dataJson.find(needle) != std::string::npos) {
        found = event.dataJson;
        return true;
      }
    }
    return false;
  });
  return found;
}

std::vector<RecordedEvent> TestContext::events() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_;
}

RemoteObjectPtr TestContext::findObject(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = objects_.find(id);
  if (it == objects_.end()) {
    throw KurentoException(ErrorCode::kMediaObjectNotFound, "object '" + id + "' not found");
  }
  return it->second;
}

std::vector<RemoteObjectPtr> TestContext::children(const RemoteObject& parent) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RemoteObjectPtr> result;
  for (const auto& [id, object] : objects_) {
    if (object->parentObject().get() == &parent) {
      result.push_back(object);
    }
  }
  return result;
}

std::vector<RemoteObjectPtr> TestContext::objectsOfType(const std::string& qualifiedType) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RemoteObjectPtr> result;
  for (const auto& [id, object] : objects_) {
    if (object->qualifiedTypeName() == qualifiedType) {
      result.push_back(object);
    }
  }
  return result;
}

void TestContext::registerSingleton(RemoteObjectPtr object, const std::string& id) {
  object->assignId(id);
  std::lock_guard<std::mutex> lock(mutex_);
  objects_[id] = std::move(object);
}

void TestContext::emitEvent(const RemoteObject& source, const std::string& type,
                            JsonDocument data) {
  RecordedEvent event{source.id(), type, toJsonString(data)};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(event));
  }
  eventArrived_.notify_all();
}

void TestContext::addObjectObserver(ObjectObserver observer) {
  std::lock_guard<std::mutex> lock(mutex_);
  observers_.push_back(std::move(observer));
}

const ClassConfig& TestContext::classConfig(const std::string& className) const {
  static const ClassConfig empty;
  auto it = configs.find(className);
  return it == configs.end() ? empty : it->second;
}

std::string TestContext::moduleKmd(const std::string& moduleName) const {
  throw KurentoException(ErrorCode::kServerManagerErrorKmdNotFound,
                         "no module '" + moduleName + "' in tests");
}

}  // namespace kms::test
