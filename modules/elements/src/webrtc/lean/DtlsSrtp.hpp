// DTLS-SRTP (RFC 5763/5764) for a lean WebRTC transport: an OpenSSL DTLS 1.2 handshake over
// datagrams handed in and out by the caller (no socket of its own), the peer's certificate
// checked against the a=fingerprint of its description, then libsrtp contexts keyed from the
// handshake to protect what we send and unprotect what the peer sends.
//
// Threads: start, receive, handleTimeout and close belong to one thread (the transport's event
// loop); protectRtp/protectRtcp/unprotectRtp/unprotectRtcp and state/error/srtpProfile may be
// called from any thread.
//
// Memory: a connected session holds about 110 KiB of heap (dtls_srtp_test measures it), some
// 75 KiB of them OpenSSL's (the SSL object with its DTLS record buffers; SSL_MODE_RELEASE_BUFFERS
// changes nothing for DTLS) and 35 KiB libsrtp's (two AES-GCM contexts; 58 KiB with AES-CM).
// The SSL_CTX, about 21 KiB with its key, is shared by the sessions of one certificate.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct bio_st BIO;
typedef struct x509_store_ctx_st X509_STORE_CTX;

namespace kurento::webrtc::lean {

class SrtpContexts;

enum class DtlsRole { kInvalid, kClient, kServer };
enum class DtlsState { kNew, kConnecting, kConnected, kFailed, kClosed };

const char* toString(DtlsState state);

// RFC 7983 demultiplexing: a DTLS record starts with a byte in [20, 63].
bool isDtlsPacket(const uint8_t* data, size_t size);

class DtlsSrtpSession {
 public:
  using Send = std::function<void(const uint8_t* data, size_t size)>;
  using StateChanged = std::function<void(DtlsState)>;

  // The largest datagram the handshake sends (IP and UDP headers not counted).
  static constexpr int kMtuBytes = 1200;

  // `certificatePem`: our certificate and its private key, PEM (webrtc::certificatePem).
  // `remoteFingerprint`: the peer's a=fingerprint value, "sha-256 AB:CD:..." (sha-1, sha-224,
  // sha-256, sha-384 or sha-512). An unusable certificate or fingerprint fails the session in
  // start(), with error() saying why. `send` is called with each datagram for the peer, from
  // the thread calling start/receive/handleTimeout/close; `changed` from that thread too.
  DtlsSrtpSession(const std::string& certificatePem, DtlsRole role,
                  const std::string& remoteFingerprint, Send send, StateChanged changed);
  ~DtlsSrtpSession();
  DtlsSrtpSession(const DtlsSrtpSession&) = delete;
  DtlsSrtpSession& operator=(const DtlsSrtpSession&) = delete;

  // Client: sends the ClientHello. Server: waits for one.
  void start();
  // A DTLS datagram from the peer. Anything else (garbage, truncated records) is dropped. A
  // server not started yet starts with it.
  void receive(const uint8_t* data, size_t size);
  // Milliseconds until handleTimeout is due (0: now), -1 when no retransmission is pending.
  int64_t timeoutMs() const;
  // Retransmits the last flight when its timer expired; fails the session after too many.
  void handleTimeout();
  // Sends close_notify (when the handshake began) and ends in kClosed.
  void close();

  DtlsState state() const { return state_.load(std::memory_order_acquire); }
  std::string error() const;
  // The negotiated profile ("SRTP_AES128_CM_SHA1_80", "SRTP_AEAD_AES_128_GCM"), "" before.
  std::string srtpProfile() const;

  // In place, once kConnected; false before, or for a malformed packet or a short buffer.
  // `capacity`: bytes available at `packet`; SRTP adds its tag, SRTCP its tag and index.
  bool protectRtp(uint8_t* packet, size_t* size, size_t capacity);
  bool protectRtcp(uint8_t* packet, size_t* size, size_t capacity);
  bool unprotectRtp(uint8_t* packet, size_t* size);
  bool unprotectRtcp(uint8_t* packet, size_t* size);

  // The datagram BIO's way in (DtlsContext.cpp).
  void sendDatagram(const uint8_t* data, size_t size);

 private:
  bool createSsl();
  void driveHandshake();
  void readApplicationData();
  bool onHandshakeDone();
  bool checkPeerFingerprint();
  bool deriveSrtpKeys();
  void failWithSslError(const char* during, int result);
  void fail(const std::string& why);
  void setState(DtlsState state);
  static int verifyPeer(int preverified, X509_STORE_CTX* store);
  static void onInfo(const SSL* ssl, int where, int value);

  const DtlsRole role_;
  const std::string certificatePem_;
  const std::string remoteFingerprint_;
  Send send_;
  StateChanged changed_;
  std::shared_ptr<SSL_CTX> context_;
  SSL* ssl_ = nullptr;
  BIO* inbound_ = nullptr;  // memory BIO: the datagram being read; owned by ssl_
  std::atomic<DtlsState> state_{DtlsState::kNew};
  std::string expectedHash_;    // of remoteFingerprint_, "sha-256"
  std::string expectedDigest_;  // of remoteFingerprint_, "AB:CD:..."
  std::string verifyError_;     // why verifyPeer refused the peer's certificate
  std::string receivedAlert_;   // the last alert the peer sent
  mutable std::mutex infoMutex_;
  std::string error_;
  std::string profile_;
  std::unique_ptr<SrtpContexts> srtp_;  // set once, before kConnected is published
};

}  // namespace kurento::webrtc::lean
