// Where the shared secret travels (query of kurento-client's access_token option, Bearer header)
// and what a request without it or with another one gets.
#include "server/SecretCheck.hpp"

#include <gtest/gtest.h>

namespace kms::host {
namespace {

constexpr char kSecret[] = "0123456789abcdef-secret";

TEST(SecretCheck, AcceptsEverythingWhenNoSecretIsConfigured) {
  SecretCheck check("");
  EXPECT_FALSE(check.required());
  EXPECT_EQ(check.check("/kurento", ""), Credential::kAccepted);
  EXPECT_EQ(check.check("/kurento?access_token=x", "Bearer y"), Credential::kAccepted);
}

TEST(SecretCheck, TakesTheQueryThatKurentoClientWrites) {
  SecretCheck check(kSecret);
  EXPECT_TRUE(check.required());
  EXPECT_EQ(check.check(std::string("/kurento?access_token=") + kSecret, ""),
            Credential::kAccepted);
  EXPECT_EQ(check.check(std::string("/kurento?a=1&access_token=") + kSecret + "&b=2", ""),
            Credential::kAccepted);
  EXPECT_EQ(check.check("/kurento", ""), Credential::kMissing);
  EXPECT_EQ(check.check("/kurento?token=abc", ""), Credential::kMissing);
  EXPECT_EQ(check.check("/kurento?access_token=0123456789abcdef", ""), Credential::kWrong);
  EXPECT_EQ(check.check("/kurento?access_token=", ""), Credential::kWrong);
}

TEST(SecretCheck, DecodesPercentEncodedSecrets) {
  SecretCheck check("a+b/c=d&e%f-123456");
  EXPECT_EQ(check.check("/kurento?access_token=a%2Bb%2Fc%3Dd%26e%25f-123456", ""),
            Credential::kAccepted);
  EXPECT_EQ(check.check("/kurento?access_token=a%2", ""), Credential::kMissing);
}

TEST(SecretCheck, TakesABearerHeaderBeforeTheQuery) {
  SecretCheck check(kSecret);
  EXPECT_EQ(check.check("/kurento", std::string("Bearer ") + kSecret), Credential::kAccepted);
  EXPECT_EQ(check.check("/kurento", std::string("bearer  ") + kSecret + " "),
            Credential::kAccepted);
  EXPECT_EQ(check.check(std::string("/kurento?access_token=") + kSecret, "Bearer other"),
            Credential::kWrong);
  EXPECT_EQ(check.check("/kurento", "Basic dXNlcjpwYXNz"), Credential::kWrong);
  EXPECT_EQ(check.check("/kurento", "Bearer"), Credential::kWrong);
}

TEST(SecretCheck, ComparesTheWholeSecret) {
  SecretCheck check(kSecret);
  const std::string secret(kSecret);
  EXPECT_EQ(check.check("/k?access_token=" + secret.substr(0, secret.size() - 1), ""),
            Credential::kWrong);
  EXPECT_EQ(check.check("/k?access_token=" + secret + "x", ""), Credential::kWrong);
  std::string flipped = secret;
  flipped[0] = 'X';
  EXPECT_EQ(check.check("/k?access_token=" + flipped, ""), Credential::kWrong);
}

TEST(QueryParameter, FindsDecodesAndStopsAtTheFragment) {
  EXPECT_EQ(queryParameter("/p?x=1&y=2", "y"), "2");
  EXPECT_EQ(queryParameter("/p?x=1&y=2#frag", "y"), "2");
  EXPECT_EQ(queryParameter("/p?x", "x"), "");
  EXPECT_EQ(queryParameter("/p?xx=1", "x"), std::nullopt);
  EXPECT_EQ(queryParameter("/p", "x"), std::nullopt);
  EXPECT_EQ(queryParameter("/p?x=%zz", "x"), std::nullopt);
}

TEST(BearerToken, NeedsTheSchemeAndAToken) {
  EXPECT_EQ(bearerToken("Bearer abc"), "abc");
  EXPECT_EQ(bearerToken("BEARER abc"), "abc");
  EXPECT_EQ(bearerToken("Bearerabc"), std::nullopt);
  EXPECT_EQ(bearerToken("Bearer    "), std::nullopt);
  EXPECT_EQ(bearerToken("Token abc"), std::nullopt);
}

}  // namespace
}  // namespace kms::host
