// JSON-RPC requests through the real dispatcher and object registry, with the modules loaded:
// every line of the input is one WebSocket text frame of one client ("$N" stands for the id
// of the N-th object this input created). Checks that every request gets one well-formed
// JSON-RPC response and that the server survives; the objects are released afterwards.
#include "FuzzServer.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {
constexpr size_t kMaxFrames = 16;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kms::fuzz::FuzzServer& server = kms::fuzz::FuzzServer::get();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  kms::fuzz::ObjectScope scope(server);
  for (size_t frames = 0; frames < kMaxFrames && !input.empty(); ++frames) {
    const size_t end = input.find('\n');
    scope.request(input.substr(0, end));
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  }
  return 0;
}
