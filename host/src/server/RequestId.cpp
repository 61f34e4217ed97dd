#include "RequestId.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cctype>
#include <cstring>
#include <string>

namespace kms::host {

namespace {

// SAX handler: captures the scalar value of a top-level "id" member, then stops the parse.
class IdHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, IdHandler> {
 public:
  explicit IdHandler(JsonDocument& id) : id_(id) {}

  bool Default() { return value(); }
  bool Null() { return value(); }
  bool Int(int number) { return capture(Json(number)); }
  bool Uint(unsigned number) { return capture(Json(number)); }
  bool Int64(int64_t number) { return capture(Json(number)); }
  bool Uint64(uint64_t number) { return capture(Json(number)); }
  bool Double(double number) { return capture(Json(number)); }
  bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    return capture(Json(text, length, id_.GetAllocator()));
  }
  bool Key(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    idIsNext_ = depth_ == 1 && std::string_view(text, length) == "id";
    return true;
  }
  bool StartObject() { return open(); }
  bool EndObject(rapidjson::SizeType /*members*/) { return close(); }
  bool StartArray() { return open(); }
  bool EndArray(rapidjson::SizeType /*elements*/) { return close(); }

  bool found() const { return found_; }

 private:
  bool value() {
    idIsNext_ = false;
    return true;
  }
  bool capture(Json value) {
    if (!idIsNext_ || depth_ != 1) {
      return this->value();
    }
    id_.CopyFrom(value, id_.GetAllocator());
    found_ = true;
    return false;  // stop: the rest does not matter
  }
  bool open() {
    idIsNext_ = false;
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  JsonDocument& id_;
  int depth_ = 0;
  bool idIsNext_ = false;
  bool found_ = false;
};

bool fromHead(std::string_view head, JsonDocument& id) {
  IdHandler handler(id);
  rapidjson::MemoryStream stream(head.data(), head.size());
  rapidjson::Reader reader;
  reader.Parse<rapidjson::kParseIterativeFlag>(stream, handler);  // truncated: stops with an error
  return handler.found();
}

void skipSpaceBackwards(std::string_view text, size_t& end) {
  while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1]))) {
    --end;
  }
}

// '..., "id" : <number or simple string> }' at the very end of `tail`.
bool fromTail(std::string_view tail, JsonDocument& id) {
  size_t end = tail.size();
  skipSpaceBackwards(tail, end);
  if (end == 0 || tail[end - 1] != '}') {
    return false;
  }
  --end;
  skipSpaceBackwards(tail, end);
  size_t begin = end;
  if (begin > 0 && tail[begin - 1] == '"') {
    --begin;
    while (begin > 0 && tail[begin - 1] != '"' && tail[begin - 1] != '\\') {
      --begin;
    }
    if (begin == 0 || tail[begin - 1] != '"') {
      return false;  // no opening quote, or an escape: not worth guessing
    }
    --begin;
  } else {
    while (begin > 0 && std::strchr("0123456789+-.eE", tail[begin - 1]) != nullptr &&
           tail[begin - 1] != '\0') {
      --begin;
    }
  }
  if (begin == end) {
    return false;
  }
  const std::string value(tail.substr(begin, end - begin));
  size_t key = begin;
  skipSpaceBackwards(tail, key);
  if (key == 0 || tail[key - 1] != ':') {
    return false;
  }
  --key;
  skipSpaceBackwards(tail, key);
  constexpr std::string_view kIdKey = "\"id\"";
  if (key < kIdKey.size() || tail.substr(key - kIdKey.size(), kIdKey.size()) != kIdKey) {
    return false;
  }
  key -= kIdKey.size();
  skipSpaceBackwards(tail, key);
  if (key == 0 || (tail[key - 1] != ',' && tail[key - 1] != '{')) {
    return false;
  }
  JsonDocument parsed;
  parsed.Parse(value.c_str(), value.size());
  if (parsed.HasParseError() || !(parsed.IsNumber() || parsed.IsString())) {
    return false;
  }
  id.CopyFrom(parsed, id.GetAllocator());
  return true;
}

}  // namespace

bool recoverRequestId(std::string_view head, std::string_view tail, JsonDocument& id) {
  return fromHead(head, id) || fromTail(tail, id);
}

}  // namespace kms::host
