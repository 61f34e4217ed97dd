// The object model: factories of the loaded modules, the registered objects and their
// lifecycle (create, release with children first), and the kms::ServerContext of modules.
#pragma once

#include "config/ServerConfig.hpp"
#include "loader/ModuleLoader.hpp"
#include "server/Uploads.hpp"

#include <kms/sdk/Module.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kms::host {

// Receives the events that objects emit (implemented by EventDispatcher).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void deliver(const RemoteObject& source, const std::string& type,
                       JsonDocument data) = 0;
};

class ObjectRegistry : public ServerContext {
 public:
  ObjectRegistry(const ServerConfig& config, std::string serverVersion);
  ~ObjectRegistry() override;

  // Registers the factories, summary and IDL of a module (before any init runs).
  void addModule(const kms::ModuleDescriptor& descriptor, const std::string& path);
  void setEventSink(EventSink* sink) { eventSink_ = sink; }
  void setSessionIdsProvider(std::function<std::vector<std::string>()> provider) {
    sessionIdsProvider_ = std::move(provider);
  }

  // Lifecycle; callers hold the object-model mutex. `create` runs the factory, assigns the id,
  // registers, calls postConstructor and notifies the observers.
  RemoteObjectPtr create(std::string_view type, const Json& constructorParams);
  // Releases children first, then the object. Throws kMediaObjectNotFound for unknown ids.
  void release(std::string_view id);
  // Releases every object (children first), singletons included; for shutdown.
  void releaseAll();
  bool isSingleton(std::string_view id) const;

  // Lookup usable from any thread; null when absent.
  RemoteObjectPtr tryFind(std::string_view id) const;
  size_t objectCount() const;
  std::map<std::string, size_t> countByType() const;

  // kms::ServerContext
  RemoteObjectPtr findObject(const std::string& id) const override;
  std::vector<RemoteObjectPtr> children(const RemoteObject& parent) const override;
  std::vector<RemoteObjectPtr> objectsOfType(const std::string& qualifiedType) const override;
  void registerSingleton(RemoteObjectPtr object, const std::string& id) override;
  void emitEvent(const RemoteObject& source, const std::string& type,
                 JsonDocument data) override;
  void addObjectObserver(ObjectObserver observer) override;
  const ClassConfig& classConfig(const std::string& className) const override;
  std::vector<std::string> sessionIds() const override;
  std::vector<ModuleSummary> modules() const override;
  std::string moduleKmd(const std::string& moduleName) const override;
  std::string serverVersion() const override { return serverVersion_; }
  std::string metadata() const override { return config_.metadata; }
  std::string registerHttpUpload(std::weak_ptr<HttpUploadHandler> handler) override {
    return uploads_.add(std::move(handler));
  }
  void unregisterHttpUpload(const std::string& path) override { uploads_.remove(path); }
  uint16_t httpPort() const override { return uploads_.port(); }

  // The upload paths, served by the HTTP listener.
  Uploads& uploads() { return uploads_; }

 private:
  struct Entry {
    RemoteObjectPtr object;
    std::string parentId;  // "" for roots
    std::vector<std::string> childIds;  // in creation order
  };
  using ObserverList = std::vector<ObjectObserver>;
  // A class some loaded module's IDL declares, whether or not a factory creates it.
  struct DeclaredClass {
    std::string module;
    bool constructible = false;  // not abstract and has a constructor
  };

  void declareClasses(const std::string& module, const char* kmdJson);
  [[noreturn]] void throwNoFactory(std::string_view type) const;

  void insert(const RemoteObjectPtr& object, const std::string& parentId);
  void releaseTree(const RemoteObjectPtr& object);
  void notify(const RemoteObject& object, bool created) const;

  const ServerConfig& config_;
  const std::string serverVersion_;
  std::map<std::string, const kms::FactoryEntry*, std::less<>> factories_;
  std::vector<ModuleSummary> modules_;
  std::map<std::string, std::string, std::less<>> kmds_;
  std::map<std::string, DeclaredClass, std::less<>> declared_;  // by Class and module.Class

  mutable std::shared_mutex objectsMutex_;
  std::map<std::string, Entry, std::less<>> objects_;
  std::set<std::string, std::less<>> singletons_;

  mutable std::mutex observersMutex_;
  std::shared_ptr<const ObserverList> observers_ = std::make_shared<ObserverList>();

  EventSink* eventSink_ = nullptr;
  std::function<std::vector<std::string>()> sessionIdsProvider_;
  Uploads uploads_;
};

// Shortens a client-supplied text for messages and logs (huge ids must not flood them).
std::string clip(std::string_view text, size_t maxChars = 200);

}  // namespace kms::host
