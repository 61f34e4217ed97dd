// Error codes of the Kurento protocol and the exception that carries them.
#pragma once

#include <stdexcept>
#include <string>

namespace kms {

// Codes as Kurento clients expect them (see shared/kurento-protocol.md).
enum class ErrorCode : int {
  kUnset = 0,
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kMarshallError = 40001,
  kUnexpectedError = 40003,
  kConnectError = 40004,
  kUnsupportedMediaType = 40005,
  kNotImplemented = 40006,
  kInvalidSession = 40007,
  kMalformedTransaction = 40008,
  kNotEnoughResources = 40009,
  kMediaObjectTypeNotFound = 40100,
  kMediaObjectNotFound = 40101,
  kMediaObjectConstructorNotFound = 40104,
  kMediaObjectMethodNotFound = 40105,
  kMediaObjectEventNotSupported = 40106,
  kMediaObjectIllegalParamError = 40107,
  kMediaObjectNotAvailable = 40108,
  kMediaObjectNotFoundTransactionNoCommit = 40109,
  kMediaObjectTagKeyNotFound = 40110,
  kMediaObjectOperationNotSupported = 40111,
  kSdpCreateError = 40200,
  kSdpParseError = 40201,
  kSdpEndPointNoLocalSdpError = 40202,
  kSdpEndPointNoRemoteSdpError = 40203,
  kSdpEndPointGenerateOfferError = 40204,
  kSdpEndPointProcessOfferError = 40205,
  kSdpEndPointProcessAnswerError = 40206,
  kSdpConfigurationError = 40207,
  kSdpEndPointAlreadyNegotiated = 40208,
  kSdpEndPointNotOfferGenerated = 40209,
  kSdpEndPointAnswerAlreadyProcessed = 40210,
  kSdpEndPointCannotCreateSession = 40211,
  kHttpEndPointRegistrationError = 40300,
  kIceGatherCandidatesError = 40400,
  kIceAddCandidateError = 40401,
  kServerManagerErrorKmdNotFound = 40500,
  kUriPathFileNotFound = 40600,
  kPlayerSeekFail = 40700,
};

// The Kurento "type" string of a code (e.g. "MEDIA_OBJECT_NOT_FOUND").
const char* errorTypeName(ErrorCode code);

// A caller's mistake or a refused operation: becomes exactly one JSON-RPC error.
class KurentoException : public std::runtime_error {
 public:
  KurentoException(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}

  ErrorCode code() const { return code_; }
  const char* typeName() const { return errorTypeName(code_); }

 private:
  ErrorCode code_;
};

}  // namespace kms
