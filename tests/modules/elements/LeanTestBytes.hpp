// Byte helpers shared by the lean transport's tests.
#pragma once

#include <cstdint>
#include <vector>

namespace lean_test {

using Bytes = std::vector<uint8_t>;

constexpr int64_t kWallUs = 1700000000LL * 1000000;  // a whole second, 2023-11-14

inline void put16(uint8_t* p, uint16_t v) {
  p[0] = v >> 8;
  p[1] = v & 0xff;
}

inline void put32(uint8_t* p, uint32_t v) {
  p[0] = v >> 24;
  p[1] = (v >> 16) & 0xff;
  p[2] = (v >> 8) & 0xff;
  p[3] = v & 0xff;
}

inline uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t get32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

}  // namespace lean_test
