#include "webrtc/lean/PacketHistory.hpp"

#include <cstring>

namespace kurento::webrtc::lean {

namespace {
constexpr size_t kRtpHeaderBytes = 12;
}

PacketHistory::PacketHistory(const PacketHistoryConfig& config) : config_(config) {
  // A power of two divides 65536, so seq % slots stays continuous across 65535 -> 0.
  size_t slots = 1;
  while (slots < config_.maxPackets && slots < 65536) {
    slots *= 2;
  }
  config_.maxPackets = slots;
  if (config_.maxBytes == 0) {
    config_.maxBytes = 1;
  }
  slots_.resize(config_.maxPackets);
  // Not value-initialized: the ring's pages become resident only as packets fill them.
  ring_.reset(new uint8_t[config_.maxBytes]);
}

bool PacketHistory::store(const uint8_t* packet, size_t size, int64_t nowUs) {
  if (packet == nullptr || size < kRtpHeaderBytes || size > config_.maxBytes) {
    return false;
  }
  const uint64_t ringBytes = config_.maxBytes;
  // A packet is kept in one piece: when it does not fit before the ring's end, the tail is
  // skipped and it starts again at offset 0.
  uint64_t offset = head_ % ringBytes;
  if (offset + size > ringBytes) {
    head_ += ringBytes - offset;
    offset = 0;
  }
  std::memcpy(ring_.get() + offset, packet, size);
  const uint16_t seq = static_cast<uint16_t>((packet[2] << 8) | packet[3]);
  Slot& slot = slots_[seq % slots_.size()];
  slot.start = head_;
  slot.storedUs = nowUs;
  slot.size = static_cast<uint32_t>(size);
  slot.seq = seq;
  slot.used = true;
  head_ += size;
  return true;
}

std::optional<ByteView> PacketHistory::fetch(uint16_t seq, int64_t nowUs) const {
  const Slot& slot = slots_[seq % slots_.size()];
  if (!slot.used || slot.seq != seq) {
    return std::nullopt;
  }
  // Overwritten once the ring has gone round past the packet's first byte.
  if (head_ - slot.start > config_.maxBytes) {
    return std::nullopt;
  }
  if (config_.maxAgeMs > 0 && nowUs - slot.storedUs > config_.maxAgeMs * 1000) {
    return std::nullopt;
  }
  return ByteView{ring_.get() + slot.start % config_.maxBytes, slot.size};
}

void PacketHistory::clear() {
  for (Slot& slot : slots_) {
    slot = Slot();
  }
  head_ = 0;
}

}  // namespace kurento::webrtc::lean
