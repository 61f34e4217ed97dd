// OpenSSL pieces of a DTLS-SRTP session: the SSL_CTX of a certificate (shared by every session
// using that certificate), the BIO that hands written datagrams to the session, and the
// certificate fingerprints of SDP (RFC 8122).
#pragma once

#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct bio_st BIO;
typedef struct x509_st X509;

namespace kurento::webrtc::lean {

class DtlsSrtpSession;

// The DTLS 1.2 context for `certificatePem` (certificate and private key): one per certificate
// while a session uses it (an SSL_CTX with its key costs tens of kilobytes). nullptr, with
// *error set, when the PEM holds no usable certificate and matching key.
// OpenSSL's queued errors of this thread, "; "-separated ("" when none); the queue is emptied.
std::string openSslErrors();

std::shared_ptr<SSL_CTX> dtlsContextFor(const std::string& certificatePem, std::string* error);

// A write-only BIO: each write is one datagram, given to session->sendDatagram.
BIO* newDatagramBio(DtlsSrtpSession* session);

struct Fingerprint {
  std::string hash;    // "sha-256", lower case
  std::string digest;  // "AB:CD:...", upper case
};

// An a=fingerprint value, "sha-256 ab:cd:..."; false, with *error set, for a hash we do not
// know or a digest that is not colon-separated hex of that hash's length.
bool parseFingerprint(const std::string& sdpValue, Fingerprint* fingerprint, std::string* error);
// The digest of `certificate` (DER) by `hash` ("sha-256"), as parseFingerprint gives it; "" for
// an unknown hash.
std::string fingerprintOf(X509* certificate, const std::string& hash);

}  // namespace kurento::webrtc::lean
