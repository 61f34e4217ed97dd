// The host's typed configuration: kurento.conf.json, command line, environment, *.conf.ini.
#pragma once

#include <kms/sdk/Config.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kms::host {

struct SecureConfig {
  uint16_t port = 8433;
  std::string certificateFile;  // PEM with certificate and private key
  std::string password;         // of the private key, may be empty
};

struct ServerConfig {
  // mediaServer.net.websocket
  std::string bindAddress = "0.0.0.0";
  uint16_t port = 8888;
  std::string path = "kurento";
  int threads = 10;
  std::optional<SecureConfig> secure;
  // mediaServer.resources
  // Shares of the process's file/thread limits (see server/ResourceUsage.hpp); 0: no limit.
  // Above exceptionLimit, create fails with NOT_ENOUGH_RESOURCES; above killLimit with no
  // object alive, the server exits with status 1 so that its supervisor restarts it.
  double exceptionLimit = 0.0;
  double killLimit = 0.0;
  int garbageCollectorPeriodS = 240;
  // mediaServer.metadata (free text returned by ServerManager.getMetadata)
  std::string metadata;
  // --modules-path / KURENTO_MODULES_PATH entries, then the default install directory.
  std::vector<std::string> modulesPaths;
  // --modules-config-path / KURENTO_MODULES_CONFIG_PATH; `<path>/kurento/<Class>.conf.ini`.
  std::string modulesConfigPath = "/etc/kurento/modules";
  std::string configFile;  // the kurento.conf.json that was read ("" when none)
  // Per class settings from <modulesConfigPath>/kurento/*.conf.ini and KMS_* variables.
  std::map<std::string, ClassConfig> classConfigs;
};

}  // namespace kms::host
