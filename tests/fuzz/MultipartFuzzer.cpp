// The multipart/form-data reader of the host's upload path: the Content-Type's boundary, then
// the body fed at once and in pieces (the first two bytes choose the piece sizes, as TCP might
// cut it). Both feeds must give the same content when both succeed.
#include "server/Multipart.hpp"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

struct Outcome {
  bool ok = true;
  bool finished = false;
  std::string content;
};

Outcome feed(const std::string& boundary, std::string_view body, size_t piece) {
  kms::host::MultipartReader reader(boundary);
  Outcome outcome;
  auto out = [&](std::string_view part) { outcome.content.append(part); };
  for (size_t at = 0; at < body.size() && outcome.ok; at += piece) {
    outcome.ok = reader.feed(body.substr(at, piece), out);
  }
  outcome.finished = reader.finished();
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  const size_t piece = 1 + data[0] % 64;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  // "Content-Type line\nbody": the header, then the body.
  const size_t lineEnd = rest.find('\n');
  if (lineEnd == std::string_view::npos) {
    kms::host::MultipartReader::boundaryOf(rest);
    return 0;
  }
  std::optional<std::string> boundary = kms::host::MultipartReader::boundaryOf(rest.substr(0, lineEnd));
  if (!boundary || boundary->empty()) {
    return 0;
  }
  const std::string_view body = rest.substr(lineEnd + 1);
  const Outcome whole = feed(*boundary, body, body.size() + 1);
  const Outcome pieces = feed(*boundary, body, data[1] & 1 ? piece : 1);
  if (whole.ok && pieces.ok && whole.finished != pieces.finished) {
    std::fprintf(stderr, "fuzz: the part ends or not depending on how the body was cut\n");
    std::abort();
  }
  if (whole.ok && pieces.ok && whole.finished && whole.content != pieces.content) {
    std::fprintf(stderr, "fuzz: the content depends on how the body was cut (%zu vs %zu bytes)\n",
                 whole.content.size(), pieces.content.size());
    std::abort();
  }
  return 0;
}
