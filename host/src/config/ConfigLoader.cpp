#include "config/ConfigLoader.hpp"

#include "config/ConfigFile.hpp"
#include "config/IniFile.hpp"

#include <kms/sdk/Gst.hpp>

#include <algorithm>
#include <filesystem>

namespace kms::host {

namespace {

GstDebugCategory* loaderConfigCategory() {
  static GstDebugCategory* const category =
      kms::debugCategory("kms-config-sources", "Where each configuration setting comes from");
  return category;
}
#define GST_CAT_DEFAULT loaderConfigCategory()

void appendUnique(std::vector<std::string>& list, const std::string& entry) {
  if (std::find(list.begin(), list.end(), entry) == list.end()) {
    list.push_back(entry);
  }
}

}  // namespace

std::vector<std::string> modulesSearchPath(const CommandLine& commandLine,
                                           const Environment& environment,
                                           const std::string& defaultModulesDir) {
  std::vector<std::string> folders;
  for (const std::string& folder : commandLine.modulesPaths) {
    appendUnique(folders, folder);
  }
  if (std::optional<std::string> fromEnvironment = environment("KURENTO_MODULES_PATH")) {
    for (const std::string& folder : splitPathList(*fromEnvironment)) {
      appendUnique(folders, folder);
    }
  }
  if (!defaultModulesDir.empty()) {
    appendUnique(folders, defaultModulesDir);
  }
  return folders;
}

ConfigFileChoice chooseConfigFile(const CommandLine& commandLine, const Environment& environment,
                                  const std::string& defaultFile) {
  if (commandLine.confFile) {
    return {*commandLine.confFile, true};
  }
  if (std::optional<std::string> fromEnvironment = environment("KURENTO_CONF_FILE")) {
    return {*fromEnvironment, true};
  }
  return {defaultFile, false};
}

ServerConfig loadServerConfig(const CommandLine& commandLine, const Environment& environment,
                              const std::string& defaultModulesDir,
                              std::vector<std::string>* warnings,
                              const std::string& defaultConfigFile) {
  ServerConfig config;
  const ConfigFileChoice file = chooseConfigFile(commandLine, environment, defaultConfigFile);
  std::error_code error;
  if (std::filesystem::exists(file.path, error)) {
    applyConfigFile(file.path, config, warnings);
  } else if (file.required) {
    throw ConfigError(file.path + ": the configuration file does not exist");
  } else {
    GST_CAT_INFO(GST_CAT_DEFAULT, "No %s: using the default settings", file.path.c_str());
  }
  if (commandLine.port) {
    config.port = *commandLine.port;
    if (config.secure && config.secure->port == config.port) {
      throw ConfigError("--port: " + std::to_string(config.port) +
                        " is also mediaServer.net.websocket.secure.port in " + file.path);
    }
    if (config.monitoring.port && *config.monitoring.port == config.port) {
      throw ConfigError("--port: " + std::to_string(config.port) +
                        " is also mediaServer.net.monitoring.port in " + file.path);
    }
  }

  if (commandLine.modulesConfigPath) {
    config.modulesConfigPath = *commandLine.modulesConfigPath;
  } else if (auto fromEnvironment = environment("KURENTO_MODULES_CONFIG_PATH")) {
    config.modulesConfigPath = *fromEnvironment;
  } else {
    config.modulesConfigPath = kDefaultModulesConfigPath;
  }
  config.classConfigs = readClassConfigs(config.modulesConfigPath);
  applyDockerVariables(environment, config.classConfigs);

  config.modulesPaths = modulesSearchPath(commandLine, environment, defaultModulesDir);
  return config;
}

}  // namespace kms::host
