// The packets of one outgoing stream as sent (rewritten, before SRTP), so that a NACK from the
// viewer can have them sent again (RFC 4585 generic NACK, retransmitted as is: same SSRC and
// sequence number; the SRTP side must then allow a repeated index, e.g. libsrtp's
// allow_repeat_tx).
//
// Bounded memory, all of it reserved at construction (the ring's pages become resident as
// packets fill them): maxPackets slots (rounded up to a power of
// two, at most 65536) indexed by sequence number
// and one ring of maxBytes for their bytes. A packet is forgotten when its slot is reused (by a
// sequence number maxPackets later), when the ring has wrapped over its bytes, or when it is
// older than maxAgeMs. store() and fetch() never allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace kurento::webrtc::lean {

struct ByteView {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

struct PacketHistoryConfig {
  size_t maxPackets = 512;
  size_t maxBytes = 512 * 1024;  // 512 packets of 1 KiB: about 1 s of 4 Mbps video
  int64_t maxAgeMs = 1000;       // 0: no age limit
};

class PacketHistory {
 public:
  explicit PacketHistory(const PacketHistoryConfig& config = PacketHistoryConfig());

  // Keeps a copy of an RTP packet (its sequence number read from bytes 2-3). False when it is
  // shorter than an RTP header or larger than maxBytes. nowUs: any clock, the same as fetch()'s.
  bool store(const uint8_t* packet, size_t size, int64_t nowUs);

  // The bytes stored for seq, valid until the next store(); nullopt when not (or no longer) kept.
  std::optional<ByteView> fetch(uint16_t seq, int64_t nowUs) const;

  void clear();
  size_t capacityBytes() const { return config_.maxBytes; }

 private:
  struct Slot {
    uint64_t start = 0;  // position in the ring's byte stream (monotonic)
    int64_t storedUs = 0;
    uint32_t size = 0;
    uint16_t seq = 0;
    bool used = false;
  };

  PacketHistoryConfig config_;
  std::vector<Slot> slots_;
  std::unique_ptr<uint8_t[]> ring_;
  uint64_t head_ = 0;  // bytes written to the ring so far, counting the skipped tails
};

}  // namespace kurento::webrtc::lean
