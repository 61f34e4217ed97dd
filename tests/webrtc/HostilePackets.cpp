#include "HostilePackets.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace kms::test {

namespace {

uint8_t byte(std::mt19937& random) { return static_cast<uint8_t>(random() & 0xff); }

void appendRandom(Packet& packet, size_t count, std::mt19937& random) {
  for (size_t i = 0; i < count; ++i) {
    packet.push_back(byte(random));
  }
}

// Cuts the packet at a random length now and then (a truncated datagram).
Packet maybeTruncated(Packet packet, std::mt19937& random) {
  if (random() % 3 == 0 && !packet.empty()) {
    packet.resize(random() % packet.size());
  }
  return packet;
}

Packet rtpPacket(std::mt19937& random) {
  // V=2, random padding/extension/CSRC count bits, a video or audio payload type.
  Packet packet = {static_cast<uint8_t>(0x80 | (random() & 0x3f)),
                   static_cast<uint8_t>((random() & 0x80) | (random() % 2 ? 96 : 111))};
  appendRandom(packet, 10, random);  // sequence number, timestamp, SSRC
  appendRandom(packet, random() % 1200, random);
  return maybeTruncated(packet, random);
}

Packet rtcpPacket(std::mt19937& random) {
  // A compound-looking packet: SR, RR, SDES, BYE, APP, RTPFB or PSFB (REMB) headers whose
  // length fields need not match what follows.
  static const uint8_t kTypes[] = {200, 201, 202, 203, 204, 205, 206};
  Packet packet;
  const int parts = 1 + static_cast<int>(random() % 3);
  for (int i = 0; i < parts; ++i) {
    packet.push_back(static_cast<uint8_t>(0x80 | (random() & 0x3f)));
    packet.push_back(kTypes[random() % 7]);
    packet.push_back(byte(random) & 0x03);
    packet.push_back(byte(random));
    appendRandom(packet, 4 + random() % 64, random);
    if (random() % 2 == 0) {
      const char remb[] = {'R', 'E', 'M', 'B'};
      packet.insert(packet.end(), remb, remb + 4);
      appendRandom(packet, random() % 16, random);
    }
  }
  return maybeTruncated(packet, random);
}

Packet stunPacket(std::mt19937& random) {
  // Binding request, success or error response, or indication; magic cookie; attributes of
  // random types (USERNAME, MESSAGE-INTEGRITY, FINGERPRINT, XOR-MAPPED-ADDRESS, ...) with
  // lengths that may run past the end.
  static const uint16_t kMethods[] = {0x0001, 0x0101, 0x0111, 0x0011};
  static const uint16_t kAttributes[] = {0x0006, 0x0008, 0x8028, 0x0020, 0x0024,
                                         0x8029, 0x802a, 0x0025, 0x0009, 0x0013};
  const uint16_t method = kMethods[random() % 4];
  Packet packet = {static_cast<uint8_t>(method >> 8),
                   static_cast<uint8_t>(method & 0xff),
                   0,
                   0,
                   0x21,
                   0x12,
                   0xa4,
                   0x42};
  appendRandom(packet, 12, random);  // transaction id
  const int attributes = static_cast<int>(random() % 6);
  for (int i = 0; i < attributes; ++i) {
    const uint16_t type = kAttributes[random() % 10];
    const uint16_t length = static_cast<uint16_t>(random() % 80);
    packet.push_back(static_cast<uint8_t>(type >> 8));
    packet.push_back(static_cast<uint8_t>(type & 0xff));
    packet.push_back(static_cast<uint8_t>(length >> 8));
    packet.push_back(static_cast<uint8_t>(length & 0xff));
    appendRandom(packet, random() % 3 == 0 ? random() % 80 : length, random);
  }
  const size_t body = packet.size() - 20;
  const size_t claimed = random() % 4 == 0 ? random() % 512 : body;
  packet[2] = static_cast<uint8_t>(claimed >> 8);
  packet[3] = static_cast<uint8_t>(claimed & 0xff);
  return maybeTruncated(packet, random);
}

Packet dtlsPacket(std::mt19937& random) {
  // A DTLS record: handshake (a ClientHello-like body), alert, change cipher spec or
  // application data, DTLS 1.0 or 1.2, any epoch and sequence number, any length.
  static const uint8_t kContent[] = {20, 21, 22, 23};
  Packet packet = {kContent[random() % 4], 0xfe, static_cast<uint8_t>(random() % 2 ? 0xfd : 0xff)};
  appendRandom(packet, 8, random);  // epoch and sequence number
  Packet body;
  if (packet[0] == 22) {
    body = {1, 0, byte(random), byte(random), 0,    0,   0, 0,
            0, 0, byte(random), byte(random), 0xfe, 0xfd};
  }
  appendRandom(body, random() % 300, random);
  const size_t claimed = random() % 4 == 0 ? random() % 0x4000 : body.size();
  packet.push_back(static_cast<uint8_t>(claimed >> 8));
  packet.push_back(static_cast<uint8_t>(claimed & 0xff));
  packet.insert(packet.end(), body.begin(), body.end());
  return maybeTruncated(packet, random);
}

}  // namespace

Packet hostilePacket(HostileKind kind, std::mt19937& random) {
  switch (kind) {
    case HostileKind::kRtp:
      return rtpPacket(random);
    case HostileKind::kRtcp:
      return rtcpPacket(random);
    case HostileKind::kStun:
      return stunPacket(random);
    case HostileKind::kDtls:
      return dtlsPacket(random);
    default: {
      Packet packet;
      appendRandom(packet, 1 + random() % 1400, random);
      return packet;
    }
  }
}

sockaddr_in loopbackAddress(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

Sprayer::Sprayer(std::vector<sockaddr_in> targets, int packetsPerSecond)
    : targets_(std::move(targets)), packetsPerSecond_(packetsPerSecond) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd_ < 0 || targets_.empty()) {
    throw std::runtime_error("cannot spray: no socket or no target");
  }
  thread_ = std::thread([this] { run(); });
}

Sprayer::~Sprayer() {
  stop();
  ::close(fd_);
}

void Sprayer::stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Sprayer::run() {
  std::mt19937 random(20261201);
  const auto interval = std::chrono::microseconds(1000000 / std::max(1, packetsPerSecond_));
  auto next = std::chrono::steady_clock::now();
  for (uint64_t n = 0; !stopping_; ++n) {
    const auto kind = static_cast<HostileKind>(n % static_cast<int>(HostileKind::kCount));
    const Packet packet = hostilePacket(kind, random);
    const sockaddr_in& target =
        targets_[(n / static_cast<int>(HostileKind::kCount)) % targets_.size()];
    ::sendto(fd_, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&target),
             sizeof(target));
    ++sent_;
    next += interval;
    std::this_thread::sleep_until(next);
  }
}

}  // namespace kms::test
