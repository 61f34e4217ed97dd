#include "JsonRpc.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/writer.h>

namespace kms::host {

namespace {

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag;

// Forwards SAX events to a document while counting the nesting depth.
class DepthLimitedHandler {
 public:
  explicit DepthLimitedHandler(JsonDocument& document) : document_(document) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool Int(int i) { return document_.Int(i); }
  bool Uint(unsigned u) { return document_.Uint(u); }
  bool Int64(int64_t i) { return document_.Int64(i); }
  bool Uint64(uint64_t u) { return document_.Uint64(u); }
  bool Double(double d) { return document_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return document_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return document_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return document_.Key(s, n, copy); }
  bool StartObject() { return enter() && document_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return document_.EndObject(n);
  }
  bool StartArray() { return enter() && document_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return document_.EndArray(n);
  }

  bool tooDeep() const { return tooDeep_; }

 private:
  bool enter() {
    if (++depth_ > kMaxJsonDepth) {
      tooDeep_ = true;
      return false;
    }
    return true;
  }

  JsonDocument& document_;
  unsigned depth_ = 0;
  bool tooDeep_ = false;
};

void writeEnvelope(rapidjson::Writer<rapidjson::StringBuffer>& writer, const Json& id) {
  writer.StartObject();
  writer.Key("jsonrpc", 7);
  writer.String("2.0", 3);
  writer.Key("id", 2);
  id.Accept(writer);
}

[[noreturn]] void invalidParam(const char* name, const char* expected, const Json* got) {
  std::string message = std::string("invalid params: '") + name + "' ";
  if (got == nullptr) {
    message += std::string("is required (") + expected + ")";
  } else {
    message += std::string("must be ") + expected + ", got " + jsonTypeName(*got);
  }
  throw KurentoException(ErrorCode::kInvalidParams, message);
}

}  // namespace

void parseBounded(std::string_view text, JsonDocument& document) {
  rapidjson::MemoryStream memory(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> input(memory);
  rapidjson::ParseResult result;
  bool tooDeep = false;
  auto generator = [&](JsonDocument& target) {
    DepthLimitedHandler handler(target);
    rapidjson::Reader reader;
    result = reader.Parse<kParseFlags>(input, handler);
    tooDeep = handler.tooDeep();
    return !result.IsError();
  };
  document.Populate(generator);
  if (tooDeep) {
    throw KurentoException(ErrorCode::kInvalidRequest,
                           "invalid request: JSON nested deeper than " +
                               std::to_string(kMaxJsonDepth) + " levels");
  }
  if (result.IsError()) {
    throw KurentoException(ErrorCode::kParseError,
                           std::string("parse error: ") +
                               rapidjson::GetParseError_En(result.Code()) + " at offset " +
                               std::to_string(result.Offset()));
  }
}

const Json* findMember(const Json& params, const char* name) {
  auto it = params.FindMember(name);
  return it != params.MemberEnd() ? &it->value : nullptr;
}

std::string_view requireString(const Json& params, const char* name) {
  const Json* value = findMember(params, name);
  if (value == nullptr || !value->IsString()) {
    invalidParam(name, "a string", value);
  }
  return std::string_view(value->GetString(), value->GetStringLength());
}

std::string_view optionalString(const Json& params, const char* name) {
  const Json* value = findMember(params, name);
  if (value == nullptr || value->IsNull()) {
    return {};
  }
  if (!value->IsString()) {
    invalidParam(name, "a string", value);
  }
  return std::string_view(value->GetString(), value->GetStringLength());
}

const Json& optionalObject(const Json& params, const char* name, const Json& empty) {
  const Json* value = findMember(params, name);
  if (value == nullptr || value->IsNull()) {
    return empty;
  }
  if (!value->IsObject()) {
    invalidParam(name, "an object", value);
  }
  return *value;
}

void writeResult(rapidjson::StringBuffer& out, const Json& id, const Json& result) {
  out.Clear();
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  writeEnvelope(writer, id);
  writer.Key("result", 6);
  result.Accept(writer);
  writer.EndObject();
}

void writeError(rapidjson::StringBuffer& out, const Json& id, ErrorCode code,
                const std::string& message) {
  out.Clear();
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  writeEnvelope(writer, id);
  writer.Key("error", 5);
  writer.StartObject();
  writer.Key("code", 4);
  writer.Int(static_cast<int>(code));
  writer.Key("message", 7);
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.Key("data", 4);
  writer.StartObject();
  writer.Key("type", 4);
  writer.String(errorTypeName(code));
  writer.EndObject();
  writer.EndObject();
  writer.EndObject();
}

}  // namespace kms::host
