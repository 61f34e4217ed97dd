#include "config/IniFile.hpp"

#include <kms/sdk/Gst.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace kms::host {

namespace {

GstDebugCategory* iniCategory() {
  static GstDebugCategory* const category =
      kms::debugCategory("kms-config-ini", "Per class settings files (*.conf.ini)");
  return category;
}
#define GST_CAT_DEFAULT iniCategory()

namespace fs = std::filesystem;

constexpr char kIniSuffix[] = ".conf.ini";

std::string trim(const std::string& text) {
  const char* space = " \t\r\n\f\v";
  const size_t first = text.find_first_not_of(space);
  if (first == std::string::npos) {
    return "";
  }
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

std::string unquote(const std::string& value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

[[noreturn]] void failLine(const std::string& file, int line, const std::string& reason) {
  throw ConfigError(file + ":" + std::to_string(line) + ": " + reason);
}

}  // namespace

std::map<std::string, std::string> parseIni(const std::string& text, const std::string& file) {
  std::map<std::string, std::string> values;
  std::istringstream in(text);
  std::string raw;
  for (int lineNumber = 1; std::getline(in, raw); ++lineNumber) {
    const std::string line = trim(raw);
    if (line.empty() || line[0] == ';' || line[0] == '#') {
      continue;
    }
    if (line[0] == '[') {
      if (line.back() != ']' || trim(line.substr(1, line.size() - 2)).empty()) {
        failLine(file, lineNumber, "malformed section header '" + line + "'");
      }
      continue;
    }
    const size_t equals = line.find('=');
    if (equals == std::string::npos) {
      failLine(file, lineNumber, "expected 'key=value', got '" + line + "'");
    }
    const std::string key = trim(line.substr(0, equals));
    if (key.empty()) {
      failLine(file, lineNumber, "missing key before '=' in '" + line + "'");
    }
    values[key] = unquote(trim(line.substr(equals + 1)));
  }
  return values;
}

ClassConfig readIniFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ConfigError(file + ": cannot open the file");
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    throw ConfigError(file + ": cannot read the file");
  }
  return ClassConfig(file, parseIni(text, file));
}

namespace {

// The `*.conf.ini` files of one folder, sorted.
std::vector<fs::path> iniFiles(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::error_code statError;
    if (name.size() > sizeof kIniSuffix - 1 &&
        name.compare(name.size() - (sizeof kIniSuffix - 1), std::string::npos, kIniSuffix) == 0 &&
        fs::is_regular_file(it->path(), statError)) {
      files.push_back(it->path());
    }
  }
  if (error) {
    throw ConfigError(folder.string() + ": cannot list the folder: " + error.message());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::map<std::string, ClassConfig> readClassConfigs(const std::string& modulesConfigPath) {
  std::map<std::string, ClassConfig> configs;
  std::error_code error;
  if (!fs::is_directory(modulesConfigPath, error)) {
    GST_CAT_INFO(GST_CAT_DEFAULT, "No class settings: %s is not a folder",
                 modulesConfigPath.c_str());
    return configs;
  }
  std::vector<fs::path> folders;
  for (fs::directory_iterator it(modulesConfigPath, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code statError;
    if (fs::is_directory(it->path(), statError)) {
      folders.push_back(it->path());
    }
  }
  if (error) {
    throw ConfigError(modulesConfigPath + ": cannot list the folder: " + error.message());
  }
  for (const fs::path& folder : folders) {
    const std::string module = folder.filename().string();
    for (const fs::path& file : iniFiles(folder)) {
      const std::string name = file.filename().string();
      const std::string className = name.substr(0, name.size() - (sizeof kIniSuffix - 1));
      const std::string key = module == "kurento" ? className : module + "." + className;
      configs[key] = readIniFile(file.string());
      GST_CAT_DEBUG(GST_CAT_DEFAULT, "Read %zu settings of %s from %s",
                    configs[key].values().size(), key.c_str(), file.c_str());
    }
  }
  return configs;
}

}  // namespace kms::host
