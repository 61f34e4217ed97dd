#include <kms/sdk/Config.hpp>

#include <algorithm>
#include <cctype>

namespace kms {

void ClassConfig::fail(const std::string& key, const std::string& reason) const {
  throw ConfigError((file_.empty() ? std::string("configuration") : file_) + ": key '" + key +
                    "': " + reason);
}

std::string ClassConfig::getString(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

int64_t ClassConfig::getInt(const std::string& key, int64_t fallback, int64_t min,
                            int64_t max) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    return fallback;
  }
  int64_t value = 0;
  try {
    size_t used = 0;
    value = std::stoll(it->second, &used);
    if (used != it->second.size()) {
      fail(key, "'" + it->second + "' is not an integer");
    }
  } catch (const std::logic_error&) {
    fail(key, "'" + it->second + "' is not an integer");
  }
  if (value < min || value > max) {
    fail(key, std::to_string(value) + " is outside [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
  }
  return value;
}

bool ClassConfig::getBool(const std::string& key, bool fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    return fallback;
  }
  std::string v = it->second;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "yes" || v == "1" || v == "on") {
    return true;
  }
  if (v == "false" || v == "no" || v == "0" || v == "off") {
    return false;
  }
  fail(key, "'" + it->second + "' is not a boolean (true/false)");
}

double ClassConfig::getDouble(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    return fallback;
  }
  try {
    size_t used = 0;
    double value = std::stod(it->second, &used);
    if (used == it->second.size()) {
      return value;
    }
  } catch (const std::logic_error&) {
    // reported below
  }
  fail(key, "'" + it->second + "' is not a number");
}

}  // namespace kms
