// kurento.conf.json: Kurento's main configuration file (comments and trailing commas allowed).
#pragma once

#include "config/ServerConfig.hpp"

#include <string>
#include <vector>

namespace kms::host {

// Applies the settings in the JSON `text` to `config`. Keys read:
//   mediaServer.net.websocket.{port, path, threads, address, secure.{port, certificate,
//   password}, secret, secretFile}, mediaServer.net.monitoring.{enabled, address, port},
//   mediaServer.resources.{exceptionLimit, killLimit, garbageCollectorPeriod},
//   mediaServer.limits.{maxConnections, maxSessionsPerConnection, maxObjectsPerSession,
//   maxMessageBytes, maxRequestsPerSecond, requestBurst},
//   mediaServer.metadata (a string, or any JSON value which is kept as its compact text).
// `address`, `secret`, `secretFile`, `monitoring` and `limits` are this server's additions to
// Kurento's keys (docs/security.md); `address` is the listening address, default 0.0.0.0.
// Integers may also be written as strings ("8888"), as Kurento accepts them.
// Throws ConfigError "<file>: <key path>: <reason>" for a wrong type or range, and
// "<file>: parse error at line L, column C (offset O): <reason>" for bad JSON. Unknown keys are
// logged as warnings naming file and key, and appended to `warnings` when given.
// A relative secure.certificate or secretFile is resolved against the folder of `file`.
void applyConfigText(const std::string& text, const std::string& file, ServerConfig& config,
                     std::vector<std::string>* warnings = nullptr);

// Reads `file` and applies it; throws ConfigError when it cannot be read.
void applyConfigFile(const std::string& file, ServerConfig& config,
                     std::vector<std::string>* warnings = nullptr);

}  // namespace kms::host
