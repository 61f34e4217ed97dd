// What the host offers to modules: object lookup, events, configuration, server facts.
#pragma once

#include <kms/sdk/Config.hpp>
#include <kms/sdk/HttpUpload.hpp>
#include <kms/sdk/RemoteObject.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kms {

struct ModuleSummary {
  std::string name;
  std::string version;
  std::string path;
  std::string generationTime;
  std::vector<std::string> factories;  // creatable type names
};

class ServerContext {
 public:
  virtual ~ServerContext() = default;

  // The registered object with this id; throws KurentoException(kMediaObjectNotFound).
  virtual RemoteObjectPtr findObject(const std::string& id) const = 0;
  // Registered objects whose parentObject() is `parent`.
  virtual std::vector<RemoteObjectPtr> children(const RemoteObject& parent) const = 0;
  // Registered objects of this qualified type or of a subtype.
  virtual std::vector<RemoteObjectPtr> objectsOfType(const std::string& qualifiedType) const = 0;
  // Registers an object under a fixed id (e.g. "manager_ServerManager").
  virtual void registerSingleton(RemoteObjectPtr object, const std::string& id) = 0;

  // Delivers an event of `source` to the sessions subscribed to it (thread-safe).
  virtual void emitEvent(const RemoteObject& source, const std::string& type,
                         JsonDocument data) = 0;

  // Called after an object is registered (created == true) and after it is released.
  using ObjectObserver = std::function<void(const RemoteObject& object, bool created)>;
  virtual void addObjectObserver(ObjectObserver observer) = 0;

  // Settings of a class; empty when absent. `className` is "WebRtcEndpoint" for
  // `<modules-config-path>/kurento/WebRtcEndpoint.conf.ini` (the modules core, elements,
  // filters) and "<module>.<Class>" for `<modules-config-path>/<module>/<Class>.conf.ini`.
  // A module validates its settings in its init hook: a kms::ConfigError thrown there stops
  // the server at start-up with that message (name the file and the key).
  virtual const ClassConfig& classConfig(const std::string& className) const = 0;

  virtual std::vector<std::string> sessionIds() const = 0;
  virtual std::vector<ModuleSummary> modules() const = 0;
  // The IDL text of a loaded module; throws KurentoException(kServerManagerErrorKmdNotFound).
  virtual std::string moduleKmd(const std::string& moduleName) const = 0;
  virtual std::string serverVersion() const = 0;
  // Operator-supplied metadata (config key mediaServer.metadata), "" when none.
  virtual std::string metadata() const = 0;

  // HTTP uploads: POSTs to the returned path (an unguessable "/upload/<id>") on the server's
  // HTTP port reach `handler` while it lives and until the path is unregistered.
  virtual std::string registerHttpUpload(std::weak_ptr<HttpUploadHandler> handler) = 0;
  virtual void unregisterHttpUpload(const std::string& path) = 0;
  // The port of the plain HTTP/WebSocket listener (0 before the server listens).
  virtual uint16_t httpPort() const = 0;
};

// The process-wide context, set by the host before any module is initialised.
ServerContext& serverContext();
void setServerContext(ServerContext* context);

}  // namespace kms
