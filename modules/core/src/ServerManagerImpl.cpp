#include "ServerManagerImpl.hpp"

#include "BaseRtpEndpointImpl.hpp"
#include "MediaElementImpl.hpp"
#include "MediaPipelineImpl.hpp"
#include "ProcessStats.hpp"
#include "UriEndpointImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <thread>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-manager", "ServerManager");
constexpr int32_t kMaxCpuIntervalMs = 10000;
}  // namespace
#define GST_CAT_DEFAULT kCat

ServerManagerImpl::ServerManagerImpl() : ServerManagerBase(nullptr) {}

std::shared_ptr<ServerInfo> ServerManagerImpl::getInfo() {
  kms::ServerContext& context = kms::serverContext();
  auto info = std::make_shared<ServerInfo>();
  info->version = context.serverVersion();
  info->type = ServerType::KMS;
  info->capabilities = {"transactions"};
  for (const kms::ModuleSummary& summary : context.modules()) {
    auto module = std::make_shared<ModuleInfo>();
    module->name = summary.name;
    module->version = summary.version;
    module->generationTime = summary.generationTime;
    module->factories = summary.factories;
    info->modules.push_back(std::move(module));
  }
  return info;
}

std::vector<std::shared_ptr<MediaPipelineImpl>> ServerManagerImpl::getPipelines() {
  std::vector<std::shared_ptr<MediaPipelineImpl>> result;
  for (const auto& object : kms::serverContext().objectsOfType("kurento.MediaPipeline")) {
    if (auto pipeline = std::dynamic_pointer_cast<MediaPipelineImpl>(object)) {
      result.push_back(std::move(pipeline));
    }
  }
  return result;
}

std::vector<std::string> ServerManagerImpl::getSessions() {
  return kms::serverContext().sessionIds();
}

std::string ServerManagerImpl::getMetadata() { return kms::serverContext().metadata(); }

std::string ServerManagerImpl::getKmd(const std::string& moduleName) {
  return kms::serverContext().moduleKmd(moduleName);
}

int32_t ServerManagerImpl::getCpuCount() {
  return static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));
}

double ServerManagerImpl::getUsedCpu(const int32_t& interval) {
  if (interval <= 0 || interval > kMaxCpuIntervalMs) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "getUsedCpu: interval must be 1.." +
                                    std::to_string(kMaxCpuIntervalMs) + " ms, got " +
                                    std::to_string(interval));
  }
  return machineCpuUsagePercent(interval);
}

int64_t ServerManagerImpl::getUsedMemory() { return residentMemoryKiB(); }

void ServerManagerImpl::onObjectLifecycle(const kms::RemoteObject& object, bool created) const {
  if (&object == this) {
    return;
  }
  if (created) {
    auto shared = std::const_pointer_cast<kms::RemoteObject>(object.shared_from_this());
    ObjectCreated event;
    event.object = std::dynamic_pointer_cast<MediaObjectImpl>(shared);
    raiseObjectCreated(event);
  } else {
    ObjectDestroyed event;
    event.objectId = object.id();
    raiseObjectDestroyed(event);
  }
}

void coreModuleInit(kms::ServerContext& context) {
  // A wrong value in these files stops the server here, naming the file and the key, rather
  // than failing every create later.
  MediaElementImpl::readSettings(context.classConfig("MediaElement"));
  BaseRtpEndpointImpl::readSettings(context.classConfig("BaseRtpEndpoint"));
  UriEndpointImpl::readDefaultPath(context.classConfig("UriEndpoint"));
  auto manager = std::make_shared<ServerManagerImpl>();
  context.registerSingleton(manager, ServerManagerImpl::kObjectId);
  std::weak_ptr<ServerManagerImpl> weak = manager;
  context.addObjectObserver([weak](const kms::RemoteObject& object, bool created) {
    if (auto self = weak.lock()) {
      self->onObjectLifecycle(object, created);
    }
  });
  GST_INFO("server manager registered as %s", ServerManagerImpl::kObjectId);
}

}  // namespace kurento
