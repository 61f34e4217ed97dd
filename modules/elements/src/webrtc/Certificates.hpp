// DTLS certificates of WebRtcEndpoints: one per key type per process (generating an RSA key
// takes tens of milliseconds), or the PEM file named by pemCertificateRSA / pemCertificateECDSA
// in WebRtcEndpoint.conf.ini.
#pragma once

#include "elementsTypes.hpp"

#include <kms/sdk/Config.hpp>

#include <string>

namespace kurento::webrtc {

// Certificate and private key, PEM, for `type`. Throws NOT_ENOUGH_RESOURCES when OpenSSL
// cannot make one, MEDIA_OBJECT_ILLEGAL_PARAM_ERROR naming the file when it is unusable.
std::string certificatePem(CertificateKeyType type);
// Reads the PEM files that `config` (WebRtcEndpoint.conf.ini) names, at start-up; throws
// kms::ConfigError naming the file, the key and what is wrong with the PEM file.
void loadConfiguredCertificates(const kms::ClassConfig& config);
// "AB:CD:..." SHA-256 fingerprint of the certificate in `pem`, as SDP's a=fingerprint carries it.
std::string certificateFingerprint(const std::string& pem);

}  // namespace kurento::webrtc
