// The base of every object a client can create, invoke, subscribe to and release.
#pragma once

#include <kms/sdk/Json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kms {

using TagList = std::vector<std::pair<std::string, std::string>>;

// Generated `XBase` classes implement the reflective part (type names, invoke, events);
// hand-written `XImpl` classes implement the behaviour. The host sees only this interface.
class RemoteObject : public std::enable_shared_from_this<RemoteObject> {
 public:
  RemoteObject() = default;
  RemoteObject(const RemoteObject&) = delete;
  RemoteObject& operator=(const RemoteObject&) = delete;
  virtual ~RemoteObject() = default;

  // "<uuid>_kurento.MediaPipeline"; empty until the host registers the object.
  const std::string& id() const { return id_; }
  // Called once by the host when it registers the object.
  void assignId(std::string id) { id_ = std::move(id); }

  // "MediaPipeline".
  virtual const char* typeName() const = 0;
  // "kurento.MediaPipeline".
  virtual const char* qualifiedTypeName() const = 0;
  // Qualified names of the ancestors, nearest first ("kurento.MediaObject" last).
  virtual std::vector<std::string> hierarchy() const = 0;

  // Runs `operation` with `params` (a JSON object, possibly empty); writes the return value,
  // if any, into `value` (left null for void). Returns false when no class in the
  // hierarchy has that operation. Throws KurentoException on bad parameters.
  virtual bool invoke(const std::string& operation, const Json& params, Json& value,
                      JsonAllocator& allocator) = 0;
  // True when the class or an ancestor declares the event `type`.
  virtual bool hasEvent(const std::string& type) const = 0;

  // The object whose child this is (a pipeline for elements), or null.
  virtual std::shared_ptr<RemoteObject> parentObject() const { return nullptr; }
  // Called after the host assigned the id and registered the object.
  virtual void postConstructor() {}
  // Called once when the object is released (children are released first).
  virtual void releaseResources() {}
  // Tags to attach to events (MediaObject's tags when sendTagsInEvents is set).
  virtual TagList eventTags() const { return {}; }

 protected:
  // Sends an event to every subscribed session. `data` holds the event's own fields;
  // the host adds source, type, tags, timestamp and timestampMillis.
  void emitEvent(const std::string& type, JsonDocument data) const;

 private:
  std::string id_;
};

using RemoteObjectPtr = std::shared_ptr<RemoteObject>;

// The base of generated REGISTER complex types (Tag, ServerInfo, ...).
class ComplexType {
 public:
  virtual ~ComplexType() = default;
  // Writes a JSON object including "__module__" and "__type__".
  virtual void toJson(Json& out, JsonAllocator& allocator) const = 0;
};

}  // namespace kms
