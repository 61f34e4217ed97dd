// Builds the ServerConfig from the command line, the environment and the files.
//
// Precedence, highest first:
//   1. the command line (-f, -c, -p, --port);
//   2. the environment: KURENTO_CONF_FILE, KURENTO_MODULES_CONFIG_PATH, KURENTO_MODULES_PATH
//      (searched after the -p folders), and the Docker KMS_* variables, which override the
//      matching keys of the *.conf.ini files (see Environment.hpp);
//   3. the files: kurento.conf.json and <modules-config-path>/kurento/<Class>.conf.ini;
//   4. the defaults in ServerConfig.hpp.
// Modules are searched in: -p folders, KURENTO_MODULES_PATH folders, the installed folder.
#pragma once

#include "config/CommandLine.hpp"
#include "config/Environment.hpp"
#include "config/ServerConfig.hpp"

#include <string>
#include <vector>

namespace kms::host {

inline constexpr char kDefaultConfigFile[] = "/etc/kurento/kurento.conf.json";
inline constexpr char kDefaultModulesConfigPath[] = "/etc/kurento/modules";

// The module folders in search order (duplicates removed, first occurrence kept).
std::vector<std::string> modulesSearchPath(const CommandLine& commandLine,
                                           const Environment& environment,
                                           const std::string& defaultModulesDir);

// The configuration file to read: -f, else KURENTO_CONF_FILE, else the default. `required` is
// set when the file was named explicitly (a missing explicit file is an error; a missing
// default file means "use the defaults").
struct ConfigFileChoice {
  std::string path;
  bool required = false;
};
ConfigFileChoice chooseConfigFile(const CommandLine& commandLine, const Environment& environment,
                                  const std::string& defaultFile = kDefaultConfigFile);

// Everything together; throws ConfigError naming file, key and reason. Warnings (unknown keys)
// are logged and appended to `warnings` when given. `defaultConfigFile` exists for tests.
ServerConfig loadServerConfig(const CommandLine& commandLine, const Environment& environment,
                              const std::string& defaultModulesDir,
                              std::vector<std::string>* warnings = nullptr,
                              const std::string& defaultConfigFile = kDefaultConfigFile);

}  // namespace kms::host
