// The optional shared secret of the JSON-RPC WebSocket (and of /metrics on that port): where a
// client puts it, and a comparison whose time does not depend on the secret.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace kms::host {

enum class Credential {
  kUnset = 0,
  kAccepted,  // the right secret, or no secret configured
  kMissing,   // a secret is configured and the request carries none
  kWrong,     // the request carries another secret
};

class SecretCheck {
 public:
  // `secret` empty: every request is accepted (Kurento's behaviour).
  explicit SecretCheck(const std::string& secret);

  bool required() const { return required_; }

  // Checks a request's credential: the "Authorization: Bearer <secret>" header when present,
  // else the query parameter access_token (what kurento-client's `access_token` option adds
  // to the URL). `target` is the request target ("/kurento?access_token=...").
  Credential check(std::string_view target, std::string_view authorization) const;

 private:
  bool matches(std::string_view candidate) const;

  bool required_ = false;
  std::array<unsigned char, 32> digest_{};  // SHA-256 of the secret
};

// The percent-decoded value of query parameter `name` of `target`; nullopt when absent or
// badly encoded.
std::optional<std::string> queryParameter(std::string_view target, std::string_view name);

// The token of "Bearer <token>" (scheme case-insensitive); nullopt for other schemes.
std::optional<std::string_view> bearerToken(std::string_view authorization);

}  // namespace kms::host
