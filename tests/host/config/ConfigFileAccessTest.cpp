// kurento.conf.json keys of access control: secret / secretFile, monitoring and limits; every
// wrong value stops start-up naming the file and the key.
#include "config/ConfigFile.hpp"

#include <kms/sdk/Config.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace kms::host {
namespace {

constexpr char kFile[] = "/etc/kurento/kurento.conf.json";

ServerConfig applied(const std::string& text, const std::string& file = kFile) {
  ServerConfig config;
  applyConfigText(text, file, config);
  return config;
}

// The ConfigError message for `text` ("" when it is accepted).
std::string errorOf(const std::string& text, const std::string& file = kFile) {
  try {
    applied(text, file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string websocket(const std::string& members) {
  return "{\"mediaServer\":{\"net\":{\"websocket\":{" + members + "}}}}";
}

std::string limits(const std::string& members) {
  return "{\"mediaServer\":{\"limits\":{" + members + "}}}";
}

std::string monitoring(const std::string& members) {
  return "{\"mediaServer\":{\"net\":{\"monitoring\":{" + members + "}}}}";
}

TEST(ConfigAccess, DefaultsAreKurentoCompatible) {
  ServerConfig config = applied("{}");
  EXPECT_TRUE(config.secret.empty());
  EXPECT_TRUE(config.monitoring.enabled);
  EXPECT_FALSE(config.monitoring.port);
  EXPECT_EQ(config.limits.maxConnections, 1000);
  EXPECT_EQ(config.limits.maxSessionsPerConnection, 16);
  EXPECT_EQ(config.limits.maxObjectsPerSession, 10000);
  EXPECT_EQ(config.limits.maxMessageBytes, 16 * 1024 * 1024);
  EXPECT_EQ(config.limits.maxRequestsPerSecond, 1000);
  EXPECT_EQ(config.limits.requestBurst, 5000);
}

TEST(ConfigAccess, ReadsTheSecret) {
  EXPECT_EQ(applied(websocket("\"secret\":\"0123456789abcdef\"")).secret, "0123456789abcdef");
}

TEST(ConfigAccess, RefusesWeakOrUnprintableSecrets) {
  std::string error = errorOf(websocket("\"secret\":\"short\""));
  EXPECT_NE(error.find(std::string(kFile) + ": mediaServer.net.websocket.secret: "),
            std::string::npos) << error;
  EXPECT_NE(error.find("5 characters"), std::string::npos) << error;
  error = errorOf(websocket("\"secret\":\"0123456789 abcdef\""));
  EXPECT_NE(error.find("printable"), std::string::npos) << error;
  error = errorOf(websocket("\"secret\":12345678901234567"));
  EXPECT_NE(error.find("mediaServer.net.websocket.secret: expected a string"),
            std::string::npos) << error;
}

TEST(ConfigAccess, ReadsTheSecretFileBesideTheConfiguration) {
  const auto dir = std::filesystem::temp_directory_path() / "kms-config-secret-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "secret.txt") << "file-secret-0123456789\r\n";
  const std::string file = (dir / "kurento.conf.json").string();
  EXPECT_EQ(applied(websocket("\"secretFile\":\"secret.txt\""), file).secret,
            "file-secret-0123456789");
  std::string error = errorOf(websocket("\"secretFile\":\"missing.txt\""), file);
  EXPECT_NE(error.find(file + ": mediaServer.net.websocket.secretFile: cannot read"),
            std::string::npos) << error;
  error = errorOf(websocket("\"secret\":\"0123456789abcdef\",\"secretFile\":\"secret.txt\""),
                  file);
  EXPECT_NE(error.find("either secret or secretFile"), std::string::npos) << error;
  std::ofstream(dir / "short.txt") << "abc\n";
  error = errorOf(websocket("\"secretFile\":\"short.txt\""), file);
  EXPECT_NE(error.find("mediaServer.net.websocket.secretFile"), std::string::npos) << error;
  EXPECT_NE(error.find("3 characters"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
}

TEST(ConfigAccess, ReadsMonitoring) {
  ServerConfig config = applied(monitoring("\"port\":9091,\"address\":\"0.0.0.0\""));
  ASSERT_TRUE(config.monitoring.port);
  EXPECT_EQ(*config.monitoring.port, 9091);
  EXPECT_EQ(config.monitoring.address, "0.0.0.0");
  EXPECT_FALSE(applied(monitoring("\"enabled\":false")).monitoring.enabled);
  EXPECT_FALSE(applied(monitoring("\"enabled\":\"false\"")).monitoring.enabled);
}

TEST(ConfigAccess, RefusesBadMonitoringValues) {
  EXPECT_NE(errorOf(monitoring("\"enabled\":\"sometimes\"")).find(
                "mediaServer.net.monitoring.enabled: expected true or false"),
            std::string::npos);
  EXPECT_NE(errorOf(monitoring("\"port\":70000")).find(
                "mediaServer.net.monitoring.port: 70000 is outside [1, 65535]"),
            std::string::npos);
  EXPECT_NE(errorOf("{\"mediaServer\":{\"net\":{\"websocket\":{\"port\":9000},"
                    "\"monitoring\":{\"port\":9000}}}}")
                .find("mediaServer.net.monitoring.port: 9000 is also a WebSocket port"),
            std::string::npos);
  EXPECT_NE(errorOf(monitoring("\"address\":\"\"")).find("mediaServer.net.monitoring.address"),
            std::string::npos);
}

TEST(ConfigAccess, ReadsLimitsAsNumbersOrText) {
  ServerConfig config = applied(limits(
      "\"maxConnections\":3,\"maxSessionsPerConnection\":\"2\",\"maxObjectsPerSession\":0,"
      "\"maxMessageBytes\":65536,\"maxRequestsPerSecond\":20"));
  EXPECT_EQ(config.limits.maxConnections, 3);
  EXPECT_EQ(config.limits.maxSessionsPerConnection, 2);
  EXPECT_EQ(config.limits.maxObjectsPerSession, 0);
  EXPECT_EQ(config.limits.maxMessageBytes, 65536);
  EXPECT_EQ(config.limits.maxRequestsPerSecond, 20);
  EXPECT_EQ(config.limits.requestBurst, 100);  // five seconds' worth when unset
  EXPECT_EQ(applied(limits("\"maxRequestsPerSecond\":20,\"requestBurst\":7")).limits.requestBurst,
            7);
}

TEST(ConfigAccess, RefusesBadLimitsNamingTheKey) {
  const std::string prefix = std::string(kFile) + ": mediaServer.limits.";
  EXPECT_EQ(errorOf(limits("\"maxConnections\":-1")),
            prefix + "maxConnections: -1 is outside [0, 2147483647]");
  EXPECT_EQ(errorOf(limits("\"maxMessageBytes\":100")),
            prefix + "maxMessageBytes: 100 is outside [4096, 1073741824]");
  EXPECT_EQ(errorOf(limits("\"maxObjectsPerSession\":\"many\"")),
            prefix + "maxObjectsPerSession: expected an integer, got string \"many\"");
  EXPECT_EQ(errorOf(limits("\"requestBurst\":0")),
            prefix + "requestBurst: 0 is outside [1, 2147483647]");
  EXPECT_EQ(errorOf(limits("\"maxRequestsPerSecond\":2.5")),
            prefix + "maxRequestsPerSecond: expected an integer, got number 2.5");
  EXPECT_EQ(errorOf("{\"mediaServer\":{\"limits\":5}}"),
            std::string(kFile) + ": mediaServer.limits: expected an object, got number 5");
}

TEST(ConfigAccess, WarnsAboutUnknownLimitKeys) {
  ServerConfig config;
  std::vector<std::string> warnings;
  applyConfigText(limits("\"maxConnection\":3"), kFile, config, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("mediaServer.limits.maxConnection"), std::string::npos);
}

}  // namespace
}  // namespace kms::host
