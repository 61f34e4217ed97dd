// SDP offers and answers given to a real RtpEndpoint or WebRtcEndpoint (KMS_FUZZ_ENDPOINT)
// through the protocol: our parsing and negotiation run on the peer's description before
// GStreamer sees it. The first byte chooses the role (processOffer, or generateOffer then
// processAnswer) and the endpoint's options; the rest is the description. A description is
// the caller's input: it must get an SDP/parameter error, never an unexpected error.
#include "FuzzServer.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#ifndef KMS_FUZZ_ENDPOINT
#error "KMS_FUZZ_ENDPOINT must be RtpEndpoint or WebRtcEndpoint"
#endif

namespace {

std::string create(const std::string& type, const std::string& params) {
  return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"create\",\"params\":{\"type\":\"" + type +
         "\",\"constructorParams\":{" + params + "}}}";
}

std::string invoke(const std::string& operation, const std::string& params) {
  return "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"invoke\",\"params\":{\"object\":\"$1\","
         "\"operation\":\"" + operation + "\",\"operationParams\":{" + params + "}}}";
}

// Endpoint options from bits 1-3 of the first byte.
std::string constructorParams(uint8_t options) {
  std::string params = "\"mediaPipeline\":\"$0\"";
  if (std::string_view(KMS_FUZZ_ENDPOINT) == "RtpEndpoint") {
    if (options & 2) {
      params += ",\"crypto\":{\"crypto\":\"AES_128_CM_HMAC_SHA1_80\"}";
    }
    if (options & 4) {
      params += ",\"useIpv6\":true";
    }
  } else {
    if (options & 2) {
      params += ",\"recvonly\":true";
    } else if (options & 4) {
      params += ",\"sendonly\":true";
    }
    if (options & 8) {
      params += ",\"certificateKeyType\":\"RSA\"";
    }
  }
  return params;
}

void check(const std::string& response, const std::string& sdp) {
  if (kms::fuzz::errorCodeOf(response) == 40003) {  // UNEXPECTED_ERROR
    std::fprintf(stderr, "fuzz: a description got an unexpected error: %s\n--- sdp ---\n%s\n",
                 response.c_str(), sdp.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) {
    return 0;
  }
  kms::fuzz::FuzzServer& server = kms::fuzz::FuzzServer::get();
  const uint8_t options = data[0];
  const std::string sdp(reinterpret_cast<const char*>(data) + 1, size - 1);
  kms::fuzz::ObjectScope scope(server);
  scope.request(create("MediaPipeline", ""));
  if (kms::fuzz::errorCodeOf(scope.request(create(KMS_FUZZ_ENDPOINT,
                                                  constructorParams(options)))) != 0) {
    return 0;
  }
  const std::string description = kms::fuzz::jsonString(sdp);
  if (options & 1) {
    check(scope.request(invoke("generateOffer", "")), sdp);
    check(scope.request(invoke("processAnswer", "\"answer\":" + description)), sdp);
  } else {
    check(scope.request(invoke("processOffer", "\"offer\":" + description)), sdp);
  }
  scope.request(invoke("getLocalSessionDescriptor", ""));
  return 0;
}
