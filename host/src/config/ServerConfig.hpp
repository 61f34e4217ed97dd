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

// mediaServer.limits: what one client may use. 0 means "no limit" for the counts and the rate.
// The defaults are generous enough for one application serving every user of a server over a
// single connection (as Kurento's tutorials and most applications do).
struct LimitsConfig {
  int64_t maxConnections = 1000;          // open WebSocket connections (503 before the upgrade)
  int64_t maxSessionsPerConnection = 16;  // sessions attached to one connection
  int64_t maxObjectsPerSession = 10000;   // live objects created by one session
  int64_t maxMessageBytes = 16 * 1024 * 1024;  // one JSON-RPC text message
  int64_t maxRequestsPerSecond = 1000;    // per connection, sustained (token bucket)
  int64_t requestBurst = 5000;            // per connection, the bucket's size
};

// mediaServer.net.monitoring: where /healthz and /metrics are served.
struct MonitoringConfig {
  bool enabled = true;
  // Unset: on the WebSocket port(s), as before; set: on their own listener, and nowhere else.
  std::optional<uint16_t> port;
  std::string address = "127.0.0.1";  // of the own listener
};

struct ServerConfig {
  // mediaServer.net.websocket
  std::string bindAddress = "0.0.0.0";
  uint16_t port = 8888;
  std::string path = "kurento";
  int threads = 10;
  std::optional<SecureConfig> secure;
  // secret / secretFile: the shared secret a client must present (query access_token=..., or
  // "Authorization: Bearer ..."); empty: no authentication, as in Kurento.
  std::string secret;
  MonitoringConfig monitoring;
  LimitsConfig limits;
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
