// Typed access to a class's `<Class>.conf.ini` settings.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

namespace kms {

// An invalid configuration value; the message names the file, the key and the reason.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The key/value settings of one class, read from one file (or from KMS_* variables).
class ClassConfig {
 public:
  ClassConfig() = default;
  ClassConfig(std::string file, std::map<std::string, std::string> values)
      : file_(std::move(file)), values_(std::move(values)) {}

  const std::string& file() const { return file_; }
  const std::map<std::string, std::string>& values() const { return values_; }
  bool has(const std::string& key) const { return values_.count(key) != 0; }

  std::string getString(const std::string& key, const std::string& fallback) const;
  // Throws ConfigError when the value is not an integer within [min, max].
  int64_t getInt(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;
  // Accepts true/false/yes/no/1/0/on/off; throws ConfigError otherwise.
  bool getBool(const std::string& key, bool fallback) const;
  double getDouble(const std::string& key, double fallback) const;
  // Throws ConfigError "<file>: key '<key>': <reason>", for checks that involve several keys.
  [[noreturn]] void fail(const std::string& key, const std::string& reason) const;

 private:

  std::string file_;
  std::map<std::string, std::string> values_;
};

}  // namespace kms
