#include "config/Environment.hpp"

#include <cstdlib>

namespace kms::host {

namespace {

enum class ValueKind { kText, kPortOrSize, kBool };

ValueKind kindOf(const std::string& key) {
  if (key == "minPort" || key == "maxPort" || key == "stunServerPort" || key == "mtu") {
    return ValueKind::kPortOrSize;
  }
  if (key == "iceTcp") {
    return ValueKind::kBool;
  }
  return ValueKind::kText;
}

// Checks a Docker variable's value early, so a typo stops start-up rather than a later call.
void checkValue(const std::string& variable, const std::string& key, const std::string& value) {
  ClassConfig probe(variable, {{key, value}});
  try {
    switch (kindOf(key)) {
      case ValueKind::kPortOrSize:
        probe.getInt(key, 0, 1, 65535);
        break;
      case ValueKind::kBool:
        probe.getBool(key, false);
        break;
      case ValueKind::kText:
        break;
    }
  } catch (const ConfigError& error) {
    // ClassConfig says "<file>: key '<key>': <reason>"; name the variable only.
    const std::string text = error.what();
    const std::string reason = text.substr(text.find("': ") + 3);
    throw ConfigError(variable + ": " + reason);
  }
}

}  // namespace

Environment processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || value[0] == '\0') {
      return std::nullopt;
    }
    return std::string(value);
  };
}

Environment fixedEnvironment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end() || it->second.empty()) {
      return std::nullopt;
    }
    return it->second;
  };
}

std::vector<std::string> splitPathList(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(':', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    if (end > start) {
      parts.push_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return parts;
}

const std::vector<DockerVariable>& dockerVariables() {
  static const std::vector<DockerVariable> variables = {
      {"KMS_MTU", "BaseRtpEndpoint", "mtu"},
      {"KMS_MIN_PORT", "BaseRtpEndpoint", "minPort"},
      {"KMS_MAX_PORT", "BaseRtpEndpoint", "maxPort"},
      {"KMS_STUN_IP", "WebRtcEndpoint", "stunServerAddress"},
      {"KMS_STUN_PORT", "WebRtcEndpoint", "stunServerPort"},
      {"KMS_TURN_URL", "WebRtcEndpoint", "turnURL"},
      {"KMS_EXTERNAL_IPV4", "WebRtcEndpoint", "externalIPv4"},
      {"KMS_EXTERNAL_IPV6", "WebRtcEndpoint", "externalIPv6"},
      {"KMS_NETWORK_INTERFACES", "WebRtcEndpoint", "networkInterfaces"},
      {"KMS_ICE_TCP", "WebRtcEndpoint", "iceTcp"},
  };
  return variables;
}

void applyDockerVariables(const Environment& environment,
                          std::map<std::string, ClassConfig>& classConfigs) {
  std::map<std::string, std::map<std::string, std::string>> overrides;
  std::map<std::string, std::string> variableNames;  // per class: "KMS_MTU, KMS_MIN_PORT"
  for (const DockerVariable& entry : dockerVariables()) {
    std::optional<std::string> value = environment(entry.variable);
    if (!value) {
      continue;
    }
    checkValue(entry.variable, entry.key, *value);
    overrides[entry.className][entry.key] = *value;
    std::string& names = variableNames[entry.className];
    names += (names.empty() ? "" : ", ") + std::string(entry.variable);
  }
  for (auto& [className, values] : overrides) {
    const ClassConfig& current = classConfigs[className];
    std::map<std::string, std::string> merged = current.values();
    for (auto& [key, value] : values) {
      merged[key] = value;
    }
    const std::string source = "environment (" + variableNames[className] + ")";
    const std::string file = current.file().empty() ? source : current.file() + " + " + source;
    classConfigs[className] = ClassConfig(file, std::move(merged));
  }
}

}  // namespace kms::host
