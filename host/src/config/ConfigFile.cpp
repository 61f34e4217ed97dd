#include "config/ConfigFile.hpp"

#include <kms/sdk/Gst.hpp>
#include <kms/sdk/Json.hpp>

#include <rapidjson/error/en.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <optional>
#include <string_view>

namespace kms::host {

namespace {

GstDebugCategory* configCategory() {
  static GstDebugCategory* const category =
      kms::debugCategory("kms-config", "The main configuration file (kurento.conf.json)");
  return category;
}
#define GST_CAT_DEFAULT configCategory()

constexpr int64_t kMaxInt = std::numeric_limits<int32_t>::max();
constexpr size_t kMaxShownValueChars = 60;
constexpr size_t kMinSecretChars = 16;
constexpr size_t kMaxSecretChars = 1024;
constexpr int64_t kMinMessageBytes = 4 * 1024;            // a WebRTC offer must fit
constexpr int64_t kMaxMessageBytes = 1024 * 1024 * 1024;  // 1 GiB
constexpr int64_t kMaxRequestsPerSecond = 1000000;

// "string \"abc\"", "number 5.5", "object {...}" for messages.
std::string describe(const Json& value) {
  std::string text = toJsonString(value);
  if (text.size() > kMaxShownValueChars) {
    text = text.substr(0, kMaxShownValueChars) + "...";
  }
  return std::string(jsonTypeName(value)) + " " + text;
}

std::string joinKey(const std::string& path, const char* name) {
  return path.empty() ? std::string(name) : path + "." + name;
}

// Reads typed values, naming the file and the key path in every error.
class Reader {
 public:
  Reader(std::string file, std::vector<std::string>* warnings)
      : file_(std::move(file)), warnings_(warnings) {}

  [[noreturn]] void fail(const std::string& path, const std::string& reason) const {
    throw ConfigError(file_ + ": " + path + ": " + reason);
  }

  // The member `name` of `object` when present and not null.
  static const Json* member(const Json& object, const char* name) {
    auto it = object.FindMember(name);
    return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
  }

  const Json* objectMember(const Json& object, const std::string& path, const char* name) const {
    const Json* value = member(object, name);
    if (value != nullptr && !value->IsObject()) {
      fail(joinKey(path, name), "expected an object, got " + describe(*value));
    }
    return value;
  }

  std::optional<int64_t> integer(const Json& object, const std::string& path, const char* name,
                                 int64_t min, int64_t max) const {
    const Json* value = member(object, name);
    if (value == nullptr) {
      return std::nullopt;
    }
    const std::string key = joinKey(path, name);
    int64_t number = 0;
    if (value->IsInt64()) {
      number = value->GetInt64();
    } else if (value->IsUint64()) {
      fail(key, toJsonString(*value) + " is outside [" + std::to_string(min) + ", " +
                    std::to_string(max) + "]");
    } else if (value->IsString() && parseInteger(value->GetString(), number)) {
      // Kurento reads its configuration as text, so "8888" works there too.
    } else {
      fail(key, "expected an integer, got " + describe(*value));
    }
    if (number < min || number > max) {
      fail(key, std::to_string(number) + " is outside [" + std::to_string(min) + ", " +
                    std::to_string(max) + "]");
    }
    return number;
  }

  // A share in (0, 1], as a number or numeric text ("0.8" in Kurento's own file).
  std::optional<double> fraction(const Json& object, const std::string& path,
                                 const char* name) const {
    const Json* value = member(object, name);
    if (value == nullptr) {
      return std::nullopt;
    }
    const std::string key = joinKey(path, name);
    double number = 0;
    if (value->IsNumber()) {
      number = value->GetDouble();
    } else if (!value->IsString() || !parseDouble(value->GetString(), number)) {
      fail(key, "expected a fraction such as 0.8, got " + describe(*value));
    }
    if (!(number > 0.0 && number <= 1.0)) {
      fail(key, toJsonString(*value) + " is outside (0, 1]: it is a share of the process's "
                "file and thread limits");
    }
    return number;
  }

  std::optional<std::string> string(const Json& object, const std::string& path,
                                    const char* name) const {
    const Json* value = member(object, name);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->IsString()) {
      fail(joinKey(path, name), "expected a string, got " + describe(*value));
    }
    return std::string(value->GetString(), value->GetStringLength());
  }

  std::optional<bool> boolean(const Json& object, const std::string& path,
                              const char* name) const {
    const Json* value = member(object, name);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (value->IsBool()) {
      return value->GetBool();
    }
    if (value->IsString()) {
      const std::string_view text(value->GetString(), value->GetStringLength());
      if (text == "true" || text == "false") {
        return text == "true";
      }
    }
    fail(joinKey(path, name), "expected true or false, got " + describe(*value));
  }

  // Logs (and records) every member of `object` not in `known`.
  void warnUnknown(const Json& object, const std::string& path,
                   std::initializer_list<const char*> known) const {
    for (const auto& entry : object.GetObject()) {
      const std::string name(entry.name.GetString(), entry.name.GetStringLength());
      bool isKnown = false;
      for (const char* candidate : known) {
        isKnown = isKnown || name == candidate;
      }
      if (!isKnown) {
        const std::string line = file_ + ": unknown key '" + joinKey(path, name.c_str()) +
                                 "' is ignored";
        GST_CAT_WARNING(GST_CAT_DEFAULT, "%s", line.c_str());
        if (warnings_ != nullptr) {
          warnings_->push_back(line);
        }
      }
    }
  }

  const std::string& file() const { return file_; }

 private:
  static bool parseDouble(const char* text, double& number) {
    try {
      size_t used = 0;
      number = std::stod(text, &used);
      return used == std::char_traits<char>::length(text);
    } catch (const std::logic_error&) {
      return false;
    }
  }

  static bool parseInteger(const char* text, int64_t& number) {
    try {
      size_t used = 0;
      number = std::stoll(text, &used);
      return used == std::char_traits<char>::length(text);
    } catch (const std::logic_error&) {
      return false;
    }
  }

  std::string file_;
  std::vector<std::string>* warnings_;
};

std::string checkedPath(const Reader& reader, const std::string& key, std::string path) {
  path.erase(0, path.find_first_not_of('/'));
  for (char c : path) {
    if (c == '?' || c == '#' || c == '%' || static_cast<unsigned char>(c) <= ' ') {
      reader.fail(key, "'" + path + "' is not a valid URL path (no spaces, '?', '#' or '%')");
    }
  }
  return path;
}

void readSecure(const Reader& reader, const Json& secure, ServerConfig& config) {
  const std::string path = "mediaServer.net.websocket.secure";
  reader.warnUnknown(secure, path, {"port", "certificate", "password"});
  SecureConfig result;
  result.port = static_cast<uint16_t>(reader.integer(secure, path, "port", 1, 65535)
                                          .value_or(result.port));
  if (result.port == config.port) {
    reader.fail(path + ".port", std::to_string(result.port) +
                                    " is also mediaServer.net.websocket.port; use another port");
  }
  std::optional<std::string> certificate = reader.string(secure, path, "certificate");
  if (!certificate || certificate->empty()) {
    reader.fail(path + ".certificate", "required when " + path + " is set (a PEM file holding "
                                       "the certificate and its private key)");
  }
  std::filesystem::path certificatePath(*certificate);
  if (certificatePath.is_relative()) {
    certificatePath = std::filesystem::path(reader.file()).parent_path() / certificatePath;
  }
  if (!std::ifstream(certificatePath)) {
    reader.fail(path + ".certificate", "cannot read '" + certificatePath.string() + "'");
  }
  result.certificateFile = certificatePath.string();
  result.password = reader.string(secure, path, "password").value_or("");
  config.secure = result;
}

std::filesystem::path besideConfigFile(const Reader& reader, const std::string& file) {
  std::filesystem::path result(file);
  if (result.is_relative()) {
    result = std::filesystem::path(reader.file()).parent_path() / result;
  }
  return result;
}

// A shared secret must be hard to guess and travel unchanged in a URL query and a header.
void checkSecret(const Reader& reader, const std::string& key, const std::string& secret) {
  if (secret.size() < kMinSecretChars || secret.size() > kMaxSecretChars) {
    reader.fail(key, "the secret has " + std::to_string(secret.size()) + " characters; use " +
                         std::to_string(kMinSecretChars) + " to " +
                         std::to_string(kMaxSecretChars) + " (e.g. openssl rand -hex 32)");
  }
  for (char c : secret) {
    if (c < '!' || c > '~') {
      reader.fail(key, "the secret may hold printable ASCII characters only (no spaces or "
                       "control characters)");
    }
  }
}

// The first line of `file`, without its line end.
std::string readSecretFile(const Reader& reader, const std::string& key, const std::string& file) {
  const std::filesystem::path path = besideConfigFile(reader, file);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    reader.fail(key, "cannot read '" + path.string() + "'");
  }
  std::string secret;
  std::getline(in, secret);
  if (!secret.empty() && secret.back() == '\r') {
    secret.pop_back();
  }
  checkSecret(reader, key + " ('" + path.string() + "')", secret);
  return secret;
}

void readSecret(const Reader& reader, const Json& websocket, const std::string& path,
                ServerConfig& config) {
  std::optional<std::string> secret = reader.string(websocket, path, "secret");
  std::optional<std::string> secretFile = reader.string(websocket, path, "secretFile");
  if (secret && secretFile) {
    reader.fail(path + ".secretFile", "set either secret or secretFile, not both");
  }
  if (secret) {
    checkSecret(reader, path + ".secret", *secret);
    config.secret = *secret;
  } else if (secretFile) {
    config.secret = readSecretFile(reader, path + ".secretFile", *secretFile);
  }
}

void readWebSocket(const Reader& reader, const Json& websocket, ServerConfig& config) {
  const std::string path = "mediaServer.net.websocket";
  reader.warnUnknown(websocket, path,
                     {"port", "path", "threads", "secure", "address", "secret", "secretFile"});
  config.port = static_cast<uint16_t>(
      reader.integer(websocket, path, "port", 1, 65535).value_or(config.port));
  if (auto value = reader.string(websocket, path, "path")) {
    config.path = checkedPath(reader, path + ".path", *value);
  }
  config.threads =
      static_cast<int>(reader.integer(websocket, path, "threads", 1, 1024).value_or(config.threads));
  if (auto value = reader.string(websocket, path, "address")) {
    if (value->empty()) {
      reader.fail(path + ".address", "must not be empty (use 0.0.0.0 for every address)");
    }
    config.bindAddress = *value;
  }
  if (const Json* secure = reader.objectMember(websocket, path, "secure")) {
    readSecure(reader, *secure, config);
  }
  readSecret(reader, websocket, path, config);
}

void readMonitoring(const Reader& reader, const Json& monitoring, ServerConfig& config) {
  const std::string path = "mediaServer.net.monitoring";
  reader.warnUnknown(monitoring, path, {"enabled", "address", "port"});
  MonitoringConfig& result = config.monitoring;
  result.enabled = reader.boolean(monitoring, path, "enabled").value_or(result.enabled);
  if (auto value = reader.string(monitoring, path, "address")) {
    if (value->empty()) {
      reader.fail(path + ".address", "must not be empty (use 127.0.0.1 for this host only)");
    }
    result.address = *value;
  }
  if (auto port = reader.integer(monitoring, path, "port", 1, 65535)) {
    result.port = static_cast<uint16_t>(*port);
    if (*result.port == config.port || (config.secure && *result.port == config.secure->port)) {
      reader.fail(path + ".port", std::to_string(*port) + " is also a WebSocket port; use "
                                  "another port, or leave it out to serve /metrics there");
    }
  }
}

void readLimits(const Reader& reader, const Json& limits, ServerConfig& config) {
  const std::string path = "mediaServer.limits";
  reader.warnUnknown(limits, path,
                     {"maxConnections", "maxSessionsPerConnection", "maxObjectsPerSession",
                      "maxMessageBytes", "maxRequestsPerSecond", "requestBurst"});
  LimitsConfig& result = config.limits;
  auto count = [&](const char* name, int64_t min, int64_t max, int64_t current) {
    return reader.integer(limits, path, name, min, max).value_or(current);
  };
  result.maxConnections = count("maxConnections", 0, kMaxInt, result.maxConnections);
  result.maxSessionsPerConnection =
      count("maxSessionsPerConnection", 0, kMaxInt, result.maxSessionsPerConnection);
  result.maxObjectsPerSession =
      count("maxObjectsPerSession", 0, kMaxInt, result.maxObjectsPerSession);
  result.maxMessageBytes =
      count("maxMessageBytes", kMinMessageBytes, kMaxMessageBytes, result.maxMessageBytes);
  const std::optional<int64_t> rate =
      reader.integer(limits, path, "maxRequestsPerSecond", 0, kMaxRequestsPerSecond);
  result.maxRequestsPerSecond = rate.value_or(result.maxRequestsPerSecond);
  // Unset, the burst is five seconds' worth of the configured rate.
  const int64_t defaultBurst = rate ? std::max<int64_t>(*rate * 5, 1) : result.requestBurst;
  result.requestBurst = count("requestBurst", 1, kMaxInt, defaultBurst);
}

void readResources(const Reader& reader, const Json& resources, ServerConfig& config) {
  const std::string path = "mediaServer.resources";
  reader.warnUnknown(resources, path, {"exceptionLimit", "killLimit", "garbageCollectorPeriod"});
  config.exceptionLimit =
      reader.fraction(resources, path, "exceptionLimit").value_or(config.exceptionLimit);
  config.killLimit = reader.fraction(resources, path, "killLimit").value_or(config.killLimit);
  config.garbageCollectorPeriodS =
      static_cast<int>(reader.integer(resources, path, "garbageCollectorPeriod", 1, kMaxInt)
                           .value_or(config.garbageCollectorPeriodS));
}

void readMediaServer(const Reader& reader, const Json& mediaServer, ServerConfig& config) {
  reader.warnUnknown(mediaServer, "mediaServer", {"net", "resources", "limits", "metadata"});
  if (const Json* net = reader.objectMember(mediaServer, "mediaServer", "net")) {
    reader.warnUnknown(*net, "mediaServer.net", {"websocket", "monitoring"});
    if (const Json* websocket = reader.objectMember(*net, "mediaServer.net", "websocket")) {
      readWebSocket(reader, *websocket, config);
    }
    if (const Json* monitoring = reader.objectMember(*net, "mediaServer.net", "monitoring")) {
      readMonitoring(reader, *monitoring, config);
    }
  }
  if (const Json* limits = reader.objectMember(mediaServer, "mediaServer", "limits")) {
    readLimits(reader, *limits, config);
  }
  if (const Json* resources = reader.objectMember(mediaServer, "mediaServer", "resources")) {
    readResources(reader, *resources, config);
  }
  if (const Json* metadata = Reader::member(mediaServer, "metadata")) {
    config.metadata = metadata->IsString()
                          ? std::string(metadata->GetString(), metadata->GetStringLength())
                          : toJsonString(*metadata);
  }
}

// "parse error at line 3, column 7 (offset 25): Missing a comma ..."
std::string parseErrorText(const std::string& text, const JsonDocument& document) {
  const size_t offset = document.GetErrorOffset();
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "parse error at line " + std::to_string(line) + ", column " + std::to_string(column) +
         " (offset " + std::to_string(offset) + "): " +
         rapidjson::GetParseError_En(document.GetParseError());
}

}  // namespace

void applyConfigText(const std::string& text, const std::string& file, ServerConfig& config,
                     std::vector<std::string>* warnings) {
  JsonDocument document;
  document.Parse<rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag>(
      text.c_str(), text.size());
  if (document.HasParseError()) {
    throw ConfigError(file + ": " + parseErrorText(text, document));
  }
  if (!document.IsObject()) {
    throw ConfigError(file + ": expected a JSON object at the top level, got " +
                      describe(document));
  }
  Reader reader(file, warnings);
  reader.warnUnknown(document, "", {"mediaServer"});
  if (const Json* mediaServer = reader.objectMember(document, "", "mediaServer")) {
    readMediaServer(reader, *mediaServer, config);
  }
  config.configFile = file;
}

void applyConfigFile(const std::string& file, ServerConfig& config,
                     std::vector<std::string>* warnings) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ConfigError(file + ": cannot open the configuration file");
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    throw ConfigError(file + ": cannot read the configuration file");
  }
  applyConfigText(text, file, config, warnings);
}

}  // namespace kms::host
