#include <kms/sdk/Error.hpp>

namespace kms {

const char* errorTypeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnset: return "UNSET";
    case ErrorCode::kParseError: return "PARSE_ERROR";
    case ErrorCode::kInvalidRequest: return "INVALID_REQUEST";
    case ErrorCode::kMethodNotFound: return "METHOD_NOT_FOUND";
    case ErrorCode::kInvalidParams: return "INVALID_PARAMS";
    case ErrorCode::kMarshallError: return "MARSHALL_ERROR";
    case ErrorCode::kUnexpectedError: return "UNEXPECTED_ERROR";
    case ErrorCode::kConnectError: return "CONNECT_ERROR";
    case ErrorCode::kUnsupportedMediaType: return "UNSUPPORTED_MEDIA_TYPE";
    case ErrorCode::kNotImplemented: return "NOT_IMPLEMENTED";
    case ErrorCode::kInvalidSession: return "INVALID_SESSION";
    case ErrorCode::kMalformedTransaction: return "MALFORMED_TRANSACTION";
    case ErrorCode::kNotEnoughResources: return "NOT_ENOUGH_RESOURCES";
    case ErrorCode::kMediaObjectTypeNotFound: return "MEDIA_OBJECT_TYPE_NOT_FOUND";
    case ErrorCode::kMediaObjectNotFound: return "MEDIA_OBJECT_NOT_FOUND";
    case ErrorCode::kMediaObjectConstructorNotFound: return "MEDIA_OBJECT_CONSTRUCTOR_NOT_FOUND";
    case ErrorCode::kMediaObjectMethodNotFound: return "MEDIA_OBJECT_METHOD_NOT_FOUND";
    case ErrorCode::kMediaObjectEventNotSupported: return "MEDIA_OBJECT_EVENT_NOT_SUPPORTED";
    case ErrorCode::kMediaObjectIllegalParamError: return "MEDIA_OBJECT_ILLEGAL_PARAM_ERROR";
    case ErrorCode::kMediaObjectNotAvailable: return "MEDIA_OBJECT_NOT_AVAILABLE";
    case ErrorCode::kMediaObjectNotFoundTransactionNoCommit:
      return "MEDIA_OBJECT_NOT_FOUND_TRANSACTION_NO_COMMIT";
    case ErrorCode::kMediaObjectTagKeyNotFound: return "MEDIA_OBJECT_TAG_KEY_NOT_FOUND";
    case ErrorCode::kMediaObjectOperationNotSupported: return "MEDIA_OBJECT_OPERATION_NOT_SUPPORTED";
    case ErrorCode::kSdpCreateError: return "SDP_CREATE_ERROR";
    case ErrorCode::kSdpParseError: return "SDP_PARSE_ERROR";
    case ErrorCode::kSdpEndPointNoLocalSdpError: return "SDP_END_POINT_NO_LOCAL_SDP_ERROR";
    case ErrorCode::kSdpEndPointNoRemoteSdpError: return "SDP_END_POINT_NO_REMOTE_SDP_ERROR";
    case ErrorCode::kSdpEndPointGenerateOfferError: return "SDP_END_POINT_GENERATE_OFFER_ERROR";
    case ErrorCode::kSdpEndPointProcessOfferError: return "SDP_END_POINT_PROCESS_OFFER_ERROR";
    case ErrorCode::kSdpEndPointProcessAnswerError: return "SDP_END_POINT_PROCESS_ANSWER_ERROR";
    case ErrorCode::kSdpConfigurationError: return "SDP_CONFIGURATION_ERROR";
    case ErrorCode::kSdpEndPointAlreadyNegotiated: return "SDP_END_POINT_ALREADY_NEGOTIATED";
    case ErrorCode::kSdpEndPointNotOfferGenerated: return "SDP_END_POINT_NOT_OFFER_GENERATED";
    case ErrorCode::kSdpEndPointAnswerAlreadyProcessed:
      return "SDP_END_POINT_ANSWER_ALREADY_PROCCESED";
    case ErrorCode::kSdpEndPointCannotCreateSession: return "SDP_END_POINT_CANNOT_CREATE_SESSON";
    case ErrorCode::kHttpEndPointRegistrationError: return "HTTP_END_POINT_REGISTRATION_ERROR";
    case ErrorCode::kIceGatherCandidatesError: return "ICE_GATHER_CANDIDATES_ERROR";
    case ErrorCode::kIceAddCandidateError: return "ICE_ADD_CANDIDATE_ERROR";
    case ErrorCode::kServerManagerErrorKmdNotFound: return "SERVER_MANAGER_ERROR_KMD_NOT_FOUND";
    case ErrorCode::kUriPathFileNotFound: return "URI_PATH_FILE_NOT_FOUND";
    case ErrorCode::kPlayerSeekFail: return "PLAYER_SEEK_FAIL";
  }
  return "UNEXPECTED_ERROR";
}

}  // namespace kms
