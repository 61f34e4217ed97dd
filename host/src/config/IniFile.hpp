// Kurento's per class settings files, `<modules-config-path>/<module>/<Class>.conf.ini`.
#pragma once

#include <kms/sdk/Config.hpp>

#include <map>
#include <string>

namespace kms::host {

// Parses INI text: `key=value` lines, `;` and `#` comment lines, blank lines and `[section]`
// headers (ignored: keys stay flat). Whitespace around keys and values and one pair of matching
// quotes around a value are removed; a later key wins. Throws ConfigError "<file>:<line>: ..."
// for any other line. `file` only names the source in messages.
std::map<std::string, std::string> parseIni(const std::string& text, const std::string& file);

// Reads and parses one file; throws ConfigError when it cannot be read or parsed.
ClassConfig readIniFile(const std::string& file);

// Reads every `<modulesConfigPath>/<module>/*.conf.ini`, keyed by class name (the file name
// without `.conf.ini`) for the folder `kurento` (the modules core, elements, filters), and by
// `<module>.<Class>` for the other folders. A missing folder gives no settings.
std::map<std::string, ClassConfig> readClassConfigs(const std::string& modulesConfigPath);

}  // namespace kms::host
