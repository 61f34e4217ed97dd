// Environment variables the host honours (Kurento 7 and its Docker image).
#pragma once

#include <kms/sdk/Config.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kms::host {

// Looks up one environment variable; nullopt when it is unset or empty (Docker users often pass
// empty values for "not set").
using Environment = std::function<std::optional<std::string>(const std::string& name)>;

// The process's environment (getenv).
Environment processEnvironment();
// A fixed set of variables (tests).
Environment fixedEnvironment(std::map<std::string, std::string> variables);

// Splits a colon-separated list ("a:b::c" -> {"a", "b", "c"}).
std::vector<std::string> splitPathList(const std::string& text);

// One Docker variable and the class setting it stands for.
struct DockerVariable {
  const char* variable;   // "KMS_MTU"
  const char* className;  // "BaseRtpEndpoint"
  const char* key;        // "mtu"
};
// KMS_MTU, KMS_MIN_PORT, KMS_MAX_PORT, KMS_STUN_IP, KMS_STUN_PORT, KMS_TURN_URL,
// KMS_EXTERNAL_IPV4, KMS_EXTERNAL_IPV6, KMS_NETWORK_INTERFACES, KMS_ICE_TCP.
const std::vector<DockerVariable>& dockerVariables();

// Overrides the class settings with the Docker variables that are set. A class whose settings
// change gets the file name "<ini file> + environment (KMS_X, ...)" so messages name both.
// Throws ConfigError ("KMS_MTU: 'abc' is not an integer") for values of the wrong kind.
void applyDockerVariables(const Environment& environment,
                          std::map<std::string, ClassConfig>& classConfigs);

}  // namespace kms::host
