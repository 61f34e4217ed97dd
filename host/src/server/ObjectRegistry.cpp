#include "ObjectRegistry.hpp"

#include "ResourceUsage.hpp"

#include "Ids.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <algorithm>

namespace kms::host {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-registry", "Remote object registry");
}  // namespace
#define GST_CAT_DEFAULT kCat

std::string clip(std::string_view text, size_t maxChars) {
  if (text.size() <= maxChars) {
    return std::string(text);
  }
  size_t cut = maxChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;  // never split a UTF-8 sequence
  }
  return std::string(text.substr(0, cut)) + "...(" + std::to_string(text.size()) + " bytes)";
}

ObjectRegistry::ObjectRegistry(const ServerConfig& config, std::string serverVersion)
    : config_(config), serverVersion_(std::move(serverVersion)) {}

ObjectRegistry::~ObjectRegistry() = default;

void ObjectRegistry::addModule(const kms::ModuleDescriptor& descriptor, const std::string& path) {
  ModuleSummary summary;
  summary.name = descriptor.name != nullptr ? descriptor.name : "";
  summary.version = descriptor.version != nullptr ? descriptor.version : "";
  summary.path = path;
  summary.generationTime = descriptor.generationTime != nullptr ? descriptor.generationTime : "";
  for (size_t i = 0; i < descriptor.factoryCount; ++i) {
    const kms::FactoryEntry& entry = descriptor.factories[i];
    if (entry.typeName == nullptr || entry.qualifiedTypeName == nullptr ||
        entry.create == nullptr) {
      GST_WARNING("module %s: factory %zu is incomplete, ignored", summary.name.c_str(), i);
      continue;
    }
    // The loader refuses duplicate type names; the first registration wins regardless.
    factories_.emplace(entry.typeName, &entry);
    factories_.emplace(entry.qualifiedTypeName, &entry);
    summary.factories.emplace_back(entry.typeName);
  }
  kmds_[summary.name] = descriptor.kmdJson != nullptr ? descriptor.kmdJson : "";
  declareClasses(summary.name, descriptor.kmdJson);
  GST_INFO("module %s %s: %zu factories (%s)", summary.name.c_str(), summary.version.c_str(),
           summary.factories.size(), path.c_str());
  modules_.push_back(std::move(summary));
}

// Remembers the classes of a module's IDL, so that `create` of a declared class without a
// factory says why (abstract, or not implemented by this server) instead of "not found".
void ObjectRegistry::declareClasses(const std::string& module, const char* kmdJson) {
  if (kmdJson == nullptr) {
    return;
  }
  JsonDocument kmd;
  kmd.Parse(kmdJson);
  if (!kmd.IsObject() || !kmd.HasMember("remoteClasses") || !kmd["remoteClasses"].IsArray()) {
    return;
  }
  for (const Json& remoteClass : kmd["remoteClasses"].GetArray()) {
    if (!remoteClass.IsObject() || !remoteClass.HasMember("name") ||
        !remoteClass["name"].IsString()) {
      continue;
    }
    const std::string name = remoteClass["name"].GetString();
    const bool isAbstract = remoteClass.HasMember("abstract") && remoteClass["abstract"].IsBool() &&
                            remoteClass["abstract"].GetBool();
    DeclaredClass declared{module, !isAbstract && remoteClass.HasMember("constructor")};
    declared_.emplace(name, declared);
    declared_.emplace("kurento." + name, declared);
  }
}

void ObjectRegistry::throwNoFactory(std::string_view type) const {
  auto declared = declared_.find(type);
  if (declared == declared_.end()) {
    throw KurentoException(ErrorCode::kMediaObjectTypeNotFound,
                           "type '" + clip(type) + "' not found: no loaded module declares it");
  }
  if (!declared->second.constructible) {
    throw KurentoException(ErrorCode::kMediaObjectConstructorNotFound,
                           "type '" + clip(type) + "' of module " + declared->second.module +
                               " is abstract: it has no constructor; create one of its "
                               "subclasses");
  }
  throw KurentoException(ErrorCode::kNotImplemented,
                         "type '" + clip(type) + "' is declared by module " +
                             declared->second.module +
                             " but this server does not implement it yet");
}

RemoteObjectPtr ObjectRegistry::create(std::string_view type, const Json& constructorParams) {
  auto factory = factories_.find(type);
  if (factory == factories_.end()) {
    throwNoFactory(type);
  }
  if (config_.exceptionLimit > 0.0) {
    const double usage = resourceUsageFraction();
    if (usage > config_.exceptionLimit) {
      throw KurentoException(ErrorCode::kNotEnoughResources,
                             "cannot create " + clip(type) + ": the server uses " +
                                 std::to_string(static_cast<int>(usage * 100)) +
                                 "% of its file/thread limits (exceptionLimit " +
                                 std::to_string(static_cast<int>(config_.exceptionLimit * 100)) +
                                 "%)");
    }
  }
  RemoteObjectPtr object = factory->second->create(constructorParams);
  if (!object) {
    throw KurentoException(ErrorCode::kUnexpectedError,
                           std::string("the factory of ") + factory->second->qualifiedTypeName +
                               " returned no object");
  }
  RemoteObjectPtr parent = object->parentObject();
  std::string parentId = parent ? parent->id() : std::string();
  std::string id;
  id.reserve(parentId.size() + 64);
  if (parent) {
    id += parentId;
    id += '/';
  }
  id += newUuid();
  id += '_';
  id += object->qualifiedTypeName();
  object->assignId(std::move(id));
  insert(object, parentId);
  try {
    object->postConstructor();
  } catch (...) {
    GST_WARNING("postConstructor of %s failed; releasing it", object->id().c_str());
    releaseTree(object);
    throw;
  }
  notify(*object, true);
  GST_DEBUG("created %s", object->id().c_str());
  return object;
}

void ObjectRegistry::insert(const RemoteObjectPtr& object, const std::string& parentId) {
  std::unique_lock<std::shared_mutex> lock(objectsMutex_);
  if (!parentId.empty()) {
    auto parent = objects_.find(parentId);
    if (parent != objects_.end()) {
      parent->second.childIds.push_back(object->id());
    }
  }
  objects_[object->id()] = Entry{object, parentId, {}};
}

void ObjectRegistry::release(std::string_view id) {
  RemoteObjectPtr object = tryFind(id);
  if (!object) {
    throw KurentoException(ErrorCode::kMediaObjectNotFound,
                           "object '" + clip(id) + "' not found");
  }
  releaseTree(object);
}

void ObjectRegistry::releaseTree(const RemoteObjectPtr& object) {
  for (const RemoteObjectPtr& child : children(*object)) {
    releaseTree(child);
  }
  try {
    object->releaseResources();
  } catch (const std::exception& e) {
    GST_ERROR("releasing %s failed: %s", object->id().c_str(), e.what());
  }
  {
    std::unique_lock<std::shared_mutex> lock(objectsMutex_);
    auto it = objects_.find(object->id());
    if (it == objects_.end() || it->second.object != object) {
      return;  // released meanwhile (e.g. by releaseResources of a parent)
    }
    auto parent = objects_.find(it->second.parentId);
    if (parent != objects_.end()) {
      auto& ids = parent->second.childIds;
      ids.erase(std::remove(ids.begin(), ids.end(), object->id()), ids.end());
    }
    objects_.erase(it);
    singletons_.erase(object->id());
  }
  notify(*object, false);
  GST_DEBUG("released %s", object->id().c_str());
}

void ObjectRegistry::releaseAll() {
  std::vector<RemoteObjectPtr> roots;
  {
    std::shared_lock<std::shared_mutex> lock(objectsMutex_);
    for (const auto& [id, entry] : objects_) {
      if (entry.parentId.empty() || objects_.count(entry.parentId) == 0) {
        roots.push_back(entry.object);
      }
    }
  }
  GST_INFO("releasing %zu root objects", roots.size());
  for (const RemoteObjectPtr& root : roots) {
    releaseTree(root);
  }
}

bool ObjectRegistry::isSingleton(std::string_view id) const {
  std::shared_lock<std::shared_mutex> lock(objectsMutex_);
  return singletons_.find(id) != singletons_.end();
}

RemoteObjectPtr ObjectRegistry::tryFind(std::string_view id) const {
  std::shared_lock<std::shared_mutex> lock(objectsMutex_);
  auto it = objects_.find(id);
  return it != objects_.end() ? it->second.object : nullptr;
}

size_t ObjectRegistry::objectCount() const {
  std::shared_lock<std::shared_mutex> lock(objectsMutex_);
  return objects_.size();
}

std::map<std::string, size_t> ObjectRegistry::countByType() const {
  std::map<std::string, size_t> counts;
  std::shared_lock<std::shared_mutex> lock(objectsMutex_);
  for (const auto& [id, entry] : objects_) {
    ++counts[entry.object->qualifiedTypeName()];
  }
  return counts;
}

RemoteObjectPtr ObjectRegistry::findObject(const std::string& id) const {
  RemoteObjectPtr object = tryFind(id);
  if (!object) {
    throw KurentoException(ErrorCode::kMediaObjectNotFound,
                           "object '" + clip(id) + "' not found");
  }
  return object;
}

std::vector<RemoteObjectPtr> ObjectRegistry::children(const RemoteObject& parent) const {
  std::vector<RemoteObjectPtr> result;
  std::shared_lock<std::shared_mutex> lock(objectsMutex_);
  auto it = objects_.find(parent.id());
  if (it == objects_.end()) {
    return result;
  }
  result.reserve(it->second.childIds.size());
  for (const std::string& childId : it->second.childIds) {
    auto child = objects_.find(childId);
    if (child != objects_.end()) {
      result.push_back(child->second.object);
    }
  }
  return result;
}

std::vector<RemoteObjectPtr> ObjectRegistry::objectsOfType(
    const std::string& qualifiedType) const {
  std::vector<RemoteObjectPtr> all;
  {
    std::shared_lock<std::shared_mutex> lock(objectsMutex_);
    all.reserve(objects_.size());
    for (const auto& [id, entry] : objects_) {
      all.push_back(entry.object);
    }
  }
  std::vector<RemoteObjectPtr> result;
  for (RemoteObjectPtr& object : all) {
    bool match = qualifiedType == object->qualifiedTypeName();
    if (!match) {
      std::vector<std::string> ancestors = object->hierarchy();
      match = std::find(ancestors.begin(), ancestors.end(), qualifiedType) != ancestors.end();
    }
    if (match) {
      result.push_back(std::move(object));
    }
  }
  return result;
}

void ObjectRegistry::registerSingleton(RemoteObjectPtr object, const std::string& id) {
  if (!object || id.empty()) {
    throw KurentoException(ErrorCode::kUnexpectedError, "registerSingleton needs an object and an id");
  }
  object->assignId(id);
  {
    std::unique_lock<std::shared_mutex> lock(objectsMutex_);
    if (objects_.count(id) != 0) {
      throw KurentoException(ErrorCode::kUnexpectedError,
                             "an object is already registered as '" + id + "'");
    }
    objects_[id] = Entry{object, std::string(), {}};
    singletons_.insert(id);
  }
  GST_INFO("registered singleton %s (%s)", id.c_str(), object->qualifiedTypeName());
}

void ObjectRegistry::emitEvent(const RemoteObject& source, const std::string& type,
                               JsonDocument data) {
  if (eventSink_ != nullptr) {
    eventSink_->deliver(source, type, std::move(data));
  }
}

void ObjectRegistry::addObjectObserver(ObjectObserver observer) {
  std::lock_guard<std::mutex> lock(observersMutex_);
  auto next = std::make_shared<ObserverList>(*observers_);
  next->push_back(std::move(observer));
  observers_ = std::move(next);
}

void ObjectRegistry::notify(const RemoteObject& object, bool created) const {
  std::shared_ptr<const ObserverList> observers;
  {
    std::lock_guard<std::mutex> lock(observersMutex_);
    observers = observers_;
  }
  for (const ObjectObserver& observer : *observers) {
    try {
      observer(object, created);
    } catch (const std::exception& e) {
      GST_ERROR("an object observer failed for %s: %s", object.id().c_str(), e.what());
    }
  }
}

const ClassConfig& ObjectRegistry::classConfig(const std::string& className) const {
  static const ClassConfig kEmpty;
  auto it = config_.classConfigs.find(className);
  return it != config_.classConfigs.end() ? it->second : kEmpty;
}

std::vector<std::string> ObjectRegistry::sessionIds() const {
  return sessionIdsProvider_ ? sessionIdsProvider_() : std::vector<std::string>();
}

std::vector<ModuleSummary> ObjectRegistry::modules() const { return modules_; }

std::string ObjectRegistry::moduleKmd(const std::string& moduleName) const {
  auto it = kmds_.find(moduleName);
  if (it == kmds_.end()) {
    throw KurentoException(ErrorCode::kServerManagerErrorKmdNotFound,
                           "no module named '" + clip(moduleName) + "' is loaded");
  }
  return it->second;
}

}  // namespace kms::host
