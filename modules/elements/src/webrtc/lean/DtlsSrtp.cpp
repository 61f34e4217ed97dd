// A DTLS-SRTP session: OpenSSL's DTLS state machine fed one datagram at a time, the peer's
// certificate checked against its a=fingerprint, and SRTP keys exported when it completes.
#include "webrtc/lean/DtlsSrtp.hpp"

#include "webrtc/lean/DtlsContext.hpp"
#include "webrtc/lean/SrtpContexts.hpp"

#include <kms/sdk/Gst.hpp>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/time.h>

#include <algorithm>
#include <climits>

namespace kurento::webrtc::lean {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-dtls-srtp", "DTLS-SRTP of lean WebRTC");
}  // namespace
#define GST_CAT_DEFAULT kCat

namespace {

// Retransmission timer of a handshake flight: doubled at each timeout. OpenSSL gives up after
// 12 timeouts (DTLS1_TMO_ALERT_COUNT), about 24 s with these values.
constexpr int kMaxRetransmissions = 12;
constexpr unsigned kFirstRetransmitUs = 100 * 1000;
constexpr unsigned kMaxRetransmitUs = 3000 * 1000;
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";
// ECDHE with AES-GCM only, as browsers offer it: every encrypted record then carries an 8-byte
// explicit nonce and a 16-byte tag, which lets wellFormed() know a record too short to be one.
constexpr char kCipherSuites[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";
constexpr size_t kRecordHeaderBytes = 13;
constexpr size_t kMinEncryptedRecordBytes = 8 + 16;
constexpr size_t kMaxKeyingMaterialBytes = 64;

unsigned nextRetransmitUs(SSL*, unsigned previousUs) {
  return previousUs == 0 ? kFirstRetransmitUs : std::min(2 * previousUs, kMaxRetransmitUs);
}

// Each record of the datagram complete, and no encrypted one shorter than its nonce and tag:
// OpenSSL 3.0 drops most malformed records itself, but answers a short encrypted one with a
// fatal internal_error, which would let anyone able to send us a datagram end the session.
bool wellFormed(const uint8_t* data, size_t size) {
  size_t offset = 0;
  while (offset < size) {
    if (size - offset < kRecordHeaderBytes) {
      return false;
    }
    const uint8_t* record = data + offset;
    const size_t length = (static_cast<size_t>(record[11]) << 8) | record[12];
    const bool encrypted = record[3] != 0 || record[4] != 0;  // epoch > 0
    if (length > size - offset - kRecordHeaderBytes ||
        (encrypted && length < kMinEncryptedRecordBytes)) {
      return false;
    }
    offset += kRecordHeaderBytes + length;
  }
  return true;
}

}  // namespace

const char* toString(DtlsState state) {
  switch (state) {
    case DtlsState::kNew:
      return "new";
    case DtlsState::kConnecting:
      return "connecting";
    case DtlsState::kConnected:
      return "connected";
    case DtlsState::kFailed:
      return "failed";
    case DtlsState::kClosed:
      return "closed";
  }
  return "?";
}

bool isDtlsPacket(const uint8_t* data, size_t size) {
  return data != nullptr && size > 0 && data[0] >= 20 && data[0] <= 63;
}

DtlsSrtpSession::DtlsSrtpSession(const std::string& certificatePem, DtlsRole role,
                                 const std::string& remoteFingerprint, Send send,
                                 StateChanged changed)
    : role_(role),
      certificatePem_(certificatePem),
      remoteFingerprint_(remoteFingerprint),
      send_(std::move(send)),
      changed_(std::move(changed)) {}

DtlsSrtpSession::~DtlsSrtpSession() {
  if (ssl_ != nullptr) {
    SSL_free(ssl_);  // and its BIOs
  }
}

void DtlsSrtpSession::start() {
  if (state() != DtlsState::kNew || !createSsl()) {
    return;
  }
  setState(DtlsState::kConnecting);
  if (role_ == DtlsRole::kClient) {
    SSL_set_connect_state(ssl_);
    driveHandshake();  // the ClientHello
  } else {
    SSL_set_accept_state(ssl_);
  }
}

bool DtlsSrtpSession::createSsl() {
  std::string why;
  Fingerprint expected;
  if (role_ != DtlsRole::kClient && role_ != DtlsRole::kServer) {
    fail("no DTLS role (client or server) given");
    return false;
  }
  if (!parseFingerprint(remoteFingerprint_, &expected, &why)) {
    fail(why);
    return false;
  }
  expectedHash_ = expected.hash;
  expectedDigest_ = expected.digest;
  context_ = dtlsContextFor(certificatePem_, &why);
  BIO* outbound = newDatagramBio(this);
  inbound_ = BIO_new(BIO_s_mem());
  ssl_ = context_ ? SSL_new(context_.get()) : nullptr;
  if (ssl_ == nullptr || inbound_ == nullptr || outbound == nullptr) {
    BIO_free(inbound_);
    BIO_free(outbound);
    inbound_ = nullptr;
    fail(context_ ? "cannot make an OpenSSL session: " + openSslErrors() : why);
    return false;
  }
  BIO_set_mem_eof_return(inbound_, -1);  // empty: "try again", not end of file
  SSL_set_bio(ssl_, inbound_, outbound);
  SSL_set_app_data(ssl_, this);
  // The peer's certificate is self-signed; verifyPeer checks its fingerprint instead of a chain.
  SSL_set_verify(ssl_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &verifyPeer);
  SSL_set_info_callback(ssl_, &onInfo);
  SSL_set_options(ssl_, SSL_OP_NO_QUERY_MTU);
  if (SSL_set_cipher_list(ssl_, kCipherSuites) != 1) {
    fail("OpenSSL has none of the cipher suites " + std::string(kCipherSuites));
    return false;
  }
  DTLS_set_link_mtu(ssl_, kMtuBytes);
  DTLS_set_timer_cb(ssl_, &nextRetransmitUs);
  return true;
}

void DtlsSrtpSession::receive(const uint8_t* data, size_t size) {
  if (!isDtlsPacket(data, size) || size > static_cast<size_t>(INT_MAX) || !wellFormed(data, size)) {
    GST_LOG("%p: dropping a %zu-byte datagram that is not DTLS", this, size);
    return;
  }
  if (state() == DtlsState::kNew && role_ == DtlsRole::kServer) {
    start();
  }
  const DtlsState current = state();
  if (current != DtlsState::kConnecting && current != DtlsState::kConnected) {
    return;
  }
  BIO_write(inbound_, data, static_cast<int>(size));
  if (current == DtlsState::kConnecting) {
    driveHandshake();
  } else {
    readApplicationData();
  }
  // What OpenSSL left of the datagram (a record cut short) must not join the next one.
  if (ssl_ != nullptr) {
    (void)BIO_reset(inbound_);
  }
}

void DtlsSrtpSession::driveHandshake() {
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) {
    if (onHandshakeDone()) {
      setState(DtlsState::kConnected);
      readApplicationData();  // records that came with the last flight
    }
    return;
  }
  const int code = SSL_get_error(ssl_, result);
  if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) {
    failWithSslError("handshake", code);
  }
}

void DtlsSrtpSession::readApplicationData() {
  uint8_t buffer[2048];
  for (;;) {
    ERR_clear_error();
    const int result = SSL_read(ssl_, buffer, sizeof(buffer));
    if (result > 0) {
      GST_LOG("%p: ignoring %d bytes of DTLS application data", this, result);
      continue;
    }
    const int code = SSL_get_error(ssl_, result);
    if (code == SSL_ERROR_ZERO_RETURN) {
      GST_INFO("%p: the peer closed the DTLS session", this);
      setState(DtlsState::kClosed);
    } else if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) {
      failWithSslError("read", code);
    }
    return;
  }
}

bool DtlsSrtpSession::onHandshakeDone() {
  if (!checkPeerFingerprint() || !deriveSrtpKeys()) {
    return false;
  }
  GST_INFO("%p: DTLS %s connected as %s, %s", this, SSL_get_version(ssl_),
           role_ == DtlsRole::kClient ? "client" : "server", srtpProfile().c_str());
  return true;
}

bool DtlsSrtpSession::checkPeerFingerprint() {
  X509* peer = SSL_get0_peer_certificate(ssl_);
  if (peer == nullptr) {
    fail("the peer sent no certificate");
    return false;
  }
  const std::string actual = fingerprintOf(peer, expectedHash_);
  if (actual != expectedDigest_) {
    fail("the peer's certificate has the fingerprint " + expectedHash_ + " " + actual +
         ", not the remote fingerprint " + remoteFingerprint_);
    return false;
  }
  return true;
}

bool DtlsSrtpSession::deriveSrtpKeys() {
  const SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(ssl_);
  const size_t materialBytes = profile ? SrtpContexts::keyingMaterialBytes(profile->id) : 0;
  if (materialBytes == 0 || materialBytes > kMaxKeyingMaterialBytes) {
    fail(profile ? std::string("the peer chose the SRTP profile ") + profile->name +
                       ", which we do not offer"
                 : "no SRTP profile negotiated (the peer sent no use_srtp we offer)");
    return false;
  }
  uint8_t material[kMaxKeyingMaterialBytes];
  std::string why;
  ERR_clear_error();
  if (SSL_export_keying_material(ssl_, material, materialBytes, kExporterLabel,
                                 sizeof(kExporterLabel) - 1, nullptr, 0, 0) != 1) {
    fail("cannot export the SRTP keying material: " + openSslErrors());
    return false;
  }
  srtp_ =
      SrtpContexts::create(profile->id, material, materialBytes, role_ == DtlsRole::kClient, &why);
  OPENSSL_cleanse(material, sizeof(material));
  if (!srtp_) {
    fail(why);
    return false;
  }
  std::lock_guard<std::mutex> lock(infoMutex_);
  profile_ = profile->name;
  return true;
}

int DtlsSrtpSession::verifyPeer(int, X509_STORE_CTX* store) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = static_cast<DtlsSrtpSession*>(SSL_get_app_data(ssl));
  if (X509_STORE_CTX_get_error_depth(store) != 0) {
    return 1;  // a chain above the peer's own certificate: only the latter is announced
  }
  const std::string actual =
      fingerprintOf(X509_STORE_CTX_get_current_cert(store), self->expectedHash_);
  if (actual != self->expectedDigest_) {
    self->verifyError_ = "the peer's certificate has the fingerprint " + self->expectedHash_ + " " +
                         actual + ", not the remote fingerprint " + self->remoteFingerprint_;
    return 0;  // OpenSSL sends bad_certificate and fails the handshake
  }
  return 1;
}

void DtlsSrtpSession::onInfo(const SSL* ssl, int where, int value) {
  if ((where & SSL_CB_ALERT) == 0) {
    return;
  }
  auto* self = static_cast<DtlsSrtpSession*>(SSL_get_app_data(ssl));
  const bool received = (where & SSL_CB_READ) != 0;
  GST_DEBUG("%p: %s DTLS alert %s (%s)", self, received ? "received" : "sent",
            SSL_alert_desc_string_long(value), SSL_alert_type_string_long(value));
  if (received) {
    self->receivedAlert_ =
        std::string("the peer sent the alert \"") + SSL_alert_desc_string_long(value) + "\"";
  }
}

void DtlsSrtpSession::failWithSslError(const char* during, int code) {
  std::string why = !verifyError_.empty()     ? verifyError_
                    : !receivedAlert_.empty() ? receivedAlert_
                                              : openSslErrors();
  if (why.empty()) {
    why = "SSL error " + std::to_string(code);
  }
  fail(std::string("DTLS ") + during + " failed: " + why);
}

int64_t DtlsSrtpSession::timeoutMs() const {
  const DtlsState current = state();
  struct timeval left = {0, 0};
  if (ssl_ == nullptr || (current != DtlsState::kConnecting && current != DtlsState::kConnected) ||
      DTLSv1_get_timeout(ssl_, &left) != 1) {
    return -1;
  }
  return static_cast<int64_t>(left.tv_sec) * 1000 + (left.tv_usec + 999) / 1000;
}

void DtlsSrtpSession::handleTimeout() {
  const DtlsState current = state();
  if (ssl_ == nullptr || (current != DtlsState::kConnecting && current != DtlsState::kConnected)) {
    return;
  }
  ERR_clear_error();
  if (DTLSv1_handle_timeout(ssl_) < 0) {
    fail("DTLS handshake timed out: no answer after " + std::to_string(kMaxRetransmissions) +
         " retransmissions (" + openSslErrors() + ")");
  }
}

void DtlsSrtpSession::close() {
  const DtlsState current = state();
  if (current == DtlsState::kClosed) {
    return;
  }
  if (ssl_ != nullptr && current == DtlsState::kConnected && SSL_is_init_finished(ssl_)) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // close_notify
  }
  setState(DtlsState::kClosed);
}

void DtlsSrtpSession::fail(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(infoMutex_);
    if (error_.empty()) {
      error_ = why;
    }
  }
  GST_WARNING("%p: %s", this, why.c_str());
  if (ssl_ != nullptr && SSL_is_init_finished(ssl_) && state() == DtlsState::kConnecting) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // tells the peer, whose handshake completed, that we will not talk
  }
  setState(DtlsState::kFailed);
}

void DtlsSrtpSession::setState(DtlsState state) {
  const DtlsState previous = state_.exchange(state, std::memory_order_acq_rel);
  if (previous == state) {
    return;
  }
  GST_DEBUG("%p: DTLS %s -> %s", this, toString(previous), toString(state));
  if (changed_) {
    changed_(state);
  }
}

std::string DtlsSrtpSession::error() const {
  std::lock_guard<std::mutex> lock(infoMutex_);
  return error_;
}

std::string DtlsSrtpSession::srtpProfile() const {
  std::lock_guard<std::mutex> lock(infoMutex_);
  return profile_;
}

void DtlsSrtpSession::sendDatagram(const uint8_t* data, size_t size) {
  if (send_) {
    send_(data, size);
  }
}

bool DtlsSrtpSession::protectRtp(uint8_t* packet, size_t* size, size_t capacity) {
  return packet != nullptr && size != nullptr && state() == DtlsState::kConnected &&
         srtp_->protectRtp(packet, size, capacity);
}

bool DtlsSrtpSession::protectRtcp(uint8_t* packet, size_t* size, size_t capacity) {
  return packet != nullptr && size != nullptr && state() == DtlsState::kConnected &&
         srtp_->protectRtcp(packet, size, capacity);
}

bool DtlsSrtpSession::unprotectRtp(uint8_t* packet, size_t* size) {
  return packet != nullptr && size != nullptr && state() == DtlsState::kConnected &&
         srtp_->unprotectRtp(packet, size);
}

bool DtlsSrtpSession::unprotectRtcp(uint8_t* packet, size_t* size) {
  return packet != nullptr && size != nullptr && state() == DtlsState::kConnected &&
         srtp_->unprotectRtcp(packet, size);
}

}  // namespace kurento::webrtc::lean
