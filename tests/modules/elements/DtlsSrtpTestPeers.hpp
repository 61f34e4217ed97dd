// Test peers for DtlsSrtpTest: self-signed certificates made with OpenSSL, and a client and a
// server session wired to each other through queues, with losses chosen by the test.
#pragma once

#include "webrtc/lean/DtlsSrtp.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kurento::webrtc::lean::test {

class Certificate {
 public:
  enum Kind { kEcdsa, kRsa };

  explicit Certificate(Kind kind = kEcdsa) {
    static long serial = 1;
    EVP_PKEY* key = kind == kEcdsa ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
    X509* certificate = X509_new();
    X509_set_version(certificate, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial++);
    X509_gmtime_adj(X509_getm_notBefore(certificate), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 30L * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("dtls-srtp-test"), -1, -1, 0);
    X509_set_issuer_name(certificate, name);
    X509_set_pubkey(certificate, key);
    X509_sign(certificate, key, EVP_sha256());
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, certificate);
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    pem.assign(data, static_cast<size_t>(size));
    BIO_free(bio);
    X509_free(certificate);
    EVP_PKEY_free(key);
  }

  // "sha-256 AB:CD:...", computed here rather than by the code under test.
  std::string fingerprint(std::string hash) const {
    std::transform(hash.begin(), hash.end(), hash.begin(), ::tolower);
    const EVP_MD* md = hash == "sha-1"     ? EVP_sha1()
                       : hash == "sha-224" ? EVP_sha224()
                       : hash == "sha-256" ? EVP_sha256()
                       : hash == "sha-384" ? EVP_sha384()
                                           : EVP_sha512();
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestBytes = 0;
    X509_digest(certificate, md, digest, &digestBytes);
    X509_free(certificate);
    BIO_free(bio);
    std::string text = hash + " ";
    char hex[4];
    for (unsigned int i = 0; i < digestBytes; ++i) {
      snprintf(hex, sizeof(hex), i == 0 ? "%02X" : ":%02X", digest[i]);
      text += hex;
    }
    return text;
  }

  std::string pem;
};

inline std::vector<uint8_t> rtpPacket(uint32_t ssrc, uint16_t sequence, size_t payloadBytes) {
  std::vector<uint8_t> packet(12 + payloadBytes);
  packet[0] = 0x80;
  packet[1] = 96;
  packet[2] = static_cast<uint8_t>(sequence >> 8);
  packet[3] = static_cast<uint8_t>(sequence);
  packet[4] = 0x12;  // timestamp 0x12345678
  packet[5] = 0x34;
  packet[6] = 0x56;
  packet[7] = 0x78;
  for (int i = 0; i < 4; ++i) {
    packet[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  }
  for (size_t i = 0; i < payloadBytes; ++i) {
    packet[12 + i] = static_cast<uint8_t>(i * 7 + sequence);
  }
  return packet;
}

// A sender report without report blocks (28 bytes).
inline std::vector<uint8_t> rtcpSenderReport(uint32_t ssrc) {
  std::vector<uint8_t> report(28, 0x5a);
  report[0] = 0x80;
  report[1] = 200;
  report[2] = 0;
  report[3] = 6;
  for (int i = 0; i < 4; ++i) {
    report[4 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  }
  return report;
}

// A client and a server session; create() makes them (start() does if needed), pump() moves
// datagrams and drives retransmission timers until both are connected or one gave up.
class Pair {
 public:
  using Drop = std::function<bool(int index, const std::vector<uint8_t>& datagram)>;

  explicit Pair(Certificate::Kind kind = Certificate::kEcdsa)
      : Pair(Certificate(kind), Certificate(kind)) {}
  Pair(const Certificate& client, const Certificate& server)
      : clientCertificate(client),
        serverCertificate(server),
        clientExpects(server.fingerprint("sha-256")),
        serverExpects(client.fingerprint("sha-256")) {}

  void create() {
    if (client) {
      return;
    }
    client = std::make_unique<DtlsSrtpSession>(
        clientCertificate.pem, DtlsRole::kClient, clientExpects,
        [this](const uint8_t* data, size_t size) { queue(toServer, data, size); },
        [this](DtlsState state) { clientStates.push_back(state); });
    server = std::make_unique<DtlsSrtpSession>(
        serverCertificate.pem, DtlsRole::kServer, serverExpects,
        [this](const uint8_t* data, size_t size) { queue(toClient, data, size); },
        [this](DtlsState state) { serverStates.push_back(state); });
  }

  void start() {
    create();
    server->start();
    client->start();
  }

  bool connected() const {
    return client->state() == DtlsState::kConnected && server->state() == DtlsState::kConnected;
  }

  bool pump(std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      while (!toServer.empty() || !toClient.empty()) {
        deliver(toServer, *server, dropToServer, sentToServer);
        deliver(toClient, *client, dropToClient, sentToClient);
      }
      if (connected() || gaveUp()) {
        return connected();
      }
      if (!waitForTimers()) {
        return false;  // nothing in flight, nothing to retransmit
      }
    }
    return false;
  }

  std::string describe() const {
    return std::string("client ") + toString(client->state()) + " (" + client->error() +
           "), server " + toString(server->state()) + " (" + server->error() + ")";
  }

  Certificate clientCertificate;
  Certificate serverCertificate;
  std::string clientExpects;  // the server's fingerprint, as the client's remote description
  std::string serverExpects;
  std::unique_ptr<DtlsSrtpSession> client;
  std::unique_ptr<DtlsSrtpSession> server;
  Drop dropToServer;
  Drop dropToClient;
  std::vector<DtlsState> clientStates;
  std::vector<DtlsState> serverStates;
  int droppedDatagrams = 0;
  int timeoutsHandled = 0;
  size_t largestDatagramBytes = 0;

 private:
  using Queue = std::deque<std::vector<uint8_t>>;

  void queue(Queue& queue, const uint8_t* data, size_t size) {
    queue.emplace_back(data, data + size);
    largestDatagramBytes = std::max(largestDatagramBytes, size);
  }

  void deliver(Queue& queue, DtlsSrtpSession& to, const Drop& drop, int& sent) {
    if (queue.empty()) {
      return;
    }
    std::vector<uint8_t> datagram = std::move(queue.front());
    queue.pop_front();
    if (drop && drop(sent++, datagram)) {
      ++droppedDatagrams;
      return;
    }
    to.receive(datagram.data(), datagram.size());
  }

  bool gaveUp() const {
    for (const DtlsSrtpSession* session : {client.get(), server.get()}) {
      if (session->state() == DtlsState::kFailed || session->state() == DtlsState::kClosed) {
        return true;
      }
    }
    return false;
  }

  bool waitForTimers() {
    int64_t waitMs = -1;
    for (const DtlsSrtpSession* session : {client.get(), server.get()}) {
      const int64_t due = session->timeoutMs();
      if (due >= 0 && (waitMs < 0 || due < waitMs)) {
        waitMs = due;
      }
    }
    if (waitMs < 0) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(waitMs, 1000)));
    for (DtlsSrtpSession* session : {client.get(), server.get()}) {
      if (session->timeoutMs() == 0) {
        session->handleTimeout();
        ++timeoutsHandled;
      }
    }
    return true;
  }

  Queue toServer;
  Queue toClient;
  int sentToServer = 0;
  int sentToClient = 0;
};

}  // namespace kurento::webrtc::lean::test
