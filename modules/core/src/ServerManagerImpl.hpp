// ServerManager: the singleton "manager_ServerManager" answering questions about the server.
#pragma once

#include "ServerManagerBase.hpp"

namespace kurento {

class ServerManagerImpl : public ServerManagerBase {
 public:
  static constexpr const char* kObjectId = "manager_ServerManager";

  ServerManagerImpl();

  std::shared_ptr<ServerInfo> getInfo() override;
  std::vector<std::shared_ptr<MediaPipelineImpl>> getPipelines() override;
  std::vector<std::string> getSessions() override;
  std::string getMetadata() override;
  std::string getKmd(const std::string& moduleName) override;
  int32_t getCpuCount() override;
  double getUsedCpu(const int32_t& interval) override;
  int64_t getUsedMemory() override;

  // Raises ObjectCreated / ObjectDestroyed for every other object (host observer).
  void onObjectLifecycle(const kms::RemoteObject& object, bool created) const;
};

}  // namespace kurento
