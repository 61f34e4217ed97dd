// mediaServer.limits on sessions, objects, request rate and message size: the 40009 error
// naming the key, and the refusal counted in /metrics.
#include "server/Limits.hpp"
#include "server/Metrics.hpp"
#include "server/SessionManager.hpp"

#include <kms/sdk/Error.hpp>

#include <gtest/gtest.h>

#include <memory>

namespace kms::host {
namespace {

class NullConnection : public ClientConnection {
 public:
  void sendText(std::shared_ptr<const std::string> /*text*/) override {}
  void close() override {}
};

// The code and message of the KurentoException `call` throws ("" when none).
template <class Call>
std::pair<int, std::string> refusal(Call call) {
  try {
    call();
  } catch (const KurentoException& e) {
    return {static_cast<int>(e.code()), e.what()};
  }
  return {0, ""};
}

TEST(SessionManagerLimits, AttachesAtMostTheLimitPerConnection) {
  SessionManager sessions(std::chrono::seconds(1));
  auto first = std::make_shared<NullConnection>();
  auto second = std::make_shared<NullConnection>();
  EXPECT_TRUE(sessions.attach("a", first, 2));
  EXPECT_TRUE(sessions.attach("a", first, 2));  // the same session again
  EXPECT_TRUE(sessions.attach("b", first, 2));
  EXPECT_FALSE(sessions.attach("c", first, 2));
  EXPECT_FALSE(sessions.contains("c"));
  EXPECT_EQ(sessions.attachedTo(first.get()), 2u);
  EXPECT_TRUE(sessions.attach("c", second, 2));
  EXPECT_TRUE(sessions.attach("a", second, 2));  // moves "a" over
  EXPECT_EQ(sessions.attachedTo(first.get()), 1u);
  EXPECT_FALSE(sessions.attach("d", second, 2));
  EXPECT_TRUE(sessions.attach("d", second, 0));  // 0: no limit
}

TEST(Limits, RefusesSessionsOverTheLimitWith40009AndCountsThem) {
  Metrics metrics;
  LimitsConfig config;
  config.maxSessionsPerConnection = 1;
  Limits limits(config, metrics);
  SessionManager sessions(std::chrono::seconds(1));
  auto connection = std::make_shared<NullConnection>();
  limits.attachSession(sessions, "one", connection);
  auto [code, message] = refusal([&] { limits.attachSession(sessions, "two", connection); });
  EXPECT_EQ(code, 40009);
  EXPECT_NE(message.find("mediaServer.limits.maxSessionsPerConnection"), std::string::npos)
      << message;
  EXPECT_EQ(metrics.limitRefusals(Limit::kSessionsPerConnection), 1u);
}

TEST(Limits, RefusesObjectsOverTheLimit) {
  Metrics metrics;
  LimitsConfig config;
  config.maxObjectsPerSession = 3;
  Limits limits(config, metrics);
  EXPECT_EQ(refusal([&] { limits.admitObject(2); }).first, 0);
  auto [code, message] = refusal([&] { limits.admitObject(3); });
  EXPECT_EQ(code, 40009);
  EXPECT_NE(message.find("maxObjectsPerSession"), std::string::npos) << message;
  EXPECT_EQ(metrics.limitRefusals(Limit::kObjectsPerSession), 1u);
  config.maxObjectsPerSession = 0;
  Limits unlimited(config, metrics);
  EXPECT_EQ(refusal([&] { unlimited.admitObject(1000000); }).first, 0);
}

TEST(Limits, RefusesRequestsOverTheBurst) {
  Metrics metrics;
  LimitsConfig config;
  config.maxRequestsPerSecond = 1;  // refills one token a second: none during this test
  config.requestBurst = 5;
  Limits limits(config, metrics);
  NullConnection connection;
  int refused = 0;
  std::string message;
  for (int i = 0; i < 8; ++i) {
    auto [code, text] = refusal([&] { limits.admitRequest(connection); });
    refused += code == 40009 ? 1 : 0;
    message = text.empty() ? message : text;
  }
  EXPECT_EQ(refused, 3);
  EXPECT_NE(message.find("maxRequestsPerSecond"), std::string::npos) << message;
  EXPECT_EQ(metrics.limitRefusals(Limit::kRequestRate), 3u);
}

TEST(Limits, AnswersAnOversizedMessageWithItsId) {
  Metrics metrics;
  LimitsConfig config;
  config.maxMessageBytes = 4096;
  Limits limits(config, metrics);
  const std::string response =
      limits.oversizedMessage(5000, "{\"jsonrpc\":\"2.0\",\"method\":\"invoke\",\"params\":",
                              "xxxx\"}},\"id\":42}");
  EXPECT_NE(response.find("\"id\":42"), std::string::npos) << response;
  EXPECT_NE(response.find("\"code\":40009"), std::string::npos) << response;
  EXPECT_NE(response.find("5000 bytes"), std::string::npos) << response;
  EXPECT_NE(response.find("mediaServer.limits.maxMessageBytes"), std::string::npos) << response;
  EXPECT_EQ(metrics.limitRefusals(Limit::kMessageBytes), 1u);
  const std::string rendered = metrics.render(0, {});
  EXPECT_NE(rendered.find("kms_limit_refusals_total{limit=\"maxMessageBytes\"} 1"),
            std::string::npos);
  EXPECT_NE(rendered.find("kms_limit_refusals_total{limit=\"maxConnections\"} 0"),
            std::string::npos);
}

}  // namespace
}  // namespace kms::host
