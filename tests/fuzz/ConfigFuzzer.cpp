// The server's configuration files: kurento.conf.json (applyConfigText) when the first byte is
// even, a <Class>.conf.ini (parseIni, then the typed getters and WebRtcEndpoint's settings)
// when odd. A wrong file must stop start-up with a ConfigError naming it, nothing else.
#include "config/ConfigFile.hpp"
#include "config/IniFile.hpp"
#include "webrtc/WebRtcSettings.hpp"

#include <kms/sdk/Config.hpp>

#include <gst/gst.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

constexpr char kFile[] = "/etc/kurento/fuzz.conf";

void requireNamesFile(const kms::ConfigError& e) {
  if (std::string(e.what()).find(kFile) == std::string::npos) {
    std::fprintf(stderr, "fuzz: a config error does not name the file: %s\n", e.what());
    std::abort();
  }
}

void iniFile(const std::string& text) {
  std::map<std::string, std::string> values;
  try {
    values = kms::host::parseIni(text, kFile);
  } catch (const kms::ConfigError& e) {
    requireNamesFile(e);
    return;
  }
  const kms::ClassConfig config(kFile, values);
  for (const auto& [key, value] : values) {
    try {
      config.getInt(key, 0, -1000, 1000);
    } catch (const kms::ConfigError& e) {
      requireNamesFile(e);
    }
    try {
      config.getBool(key, false);
    } catch (const kms::ConfigError& e) {
      requireNamesFile(e);
    }
    try {
      config.getDouble(key, 0.0);
    } catch (const kms::ConfigError& e) {
      requireNamesFile(e);
    }
  }
  try {
    kurento::webrtc::readSettings(config);
    kurento::webrtc::checkExternalAddresses(config);
  } catch (const kms::ConfigError& e) {
    requireNamesFile(e);
  }
}

void jsonFile(const std::string& text) {
  kms::host::ServerConfig config;
  std::vector<std::string> warnings;
  try {
    kms::host::applyConfigText(text, kFile, config, &warnings);
  } catch (const kms::ConfigError& e) {
    requireNamesFile(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialized = (gst_init(nullptr, nullptr), true);
  (void)initialized;
  if (size < 1) {
    return 0;
  }
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    iniFile(text);
  } else {
    jsonFile(text);
  }
  return 0;
}
