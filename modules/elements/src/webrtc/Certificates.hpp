// DTLS certificates of WebRtcEndpoints: one per key type per process (generating an RSA key
// takes tens of milliseconds), or the PEM file named by pemCertificateRSA / pemCertificateECDSA
// in WebRtcEndpoint.conf.ini.
#pragma once

#include "elementsTypes.hpp"

#include <string>

namespace kurento::webrtc {

// Certificate and private key, PEM, for `type`. Throws NOT_ENOUGH_RESOURCES when OpenSSL
// cannot make one, MEDIA_OBJECT_ILLEGAL_PARAM_ERROR naming the file when it is unusable.
std::string certificatePem(CertificateKeyType type);
// "AB:CD:..." SHA-256 fingerprint of the certificate in `pem`, as SDP's a=fingerprint carries it.
std::string certificateFingerprint(const std::string& pem);

}  // namespace kurento::webrtc
