// Conversions of the scalar types, and the Error helpers that read JSON.
#include <kms/client/Json.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>

namespace kms::client {
namespace {

const char* kindName(const Json& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "an unknown value";
}

}  // namespace

void throwMarshallError(const std::string& what, const char* expected, const Json& got) {
  throw Error(errors::kMarshallError,
              what + ": expected " + expected + ", got " + kindName(got) + " " + jsonText(got));
}

std::string jsonText(const Json& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Error::type() const {
  JsonDocument data;
  if (data.Parse(data_.c_str()).HasParseError() || !data.IsObject()) {
    return "";
  }
  auto type = data.FindMember("type");
  return type != data.MemberEnd() && type->value.IsString() ? type->value.GetString() : "";
}

std::string Convert<std::string>::from(const Json& json, const ConnectionPtr&,
                                       const std::string& what) {
  if (!json.IsString()) {
    throwMarshallError(what, "a string", json);
  }
  return std::string(json.GetString(), json.GetStringLength());
}

bool Convert<bool>::from(const Json& json, const ConnectionPtr&, const std::string& what) {
  if (!json.IsBool()) {
    throwMarshallError(what, "a boolean", json);
  }
  return json.GetBool();
}

int32_t Convert<int32_t>::from(const Json& json, const ConnectionPtr&, const std::string& what) {
  if (!json.IsInt()) {
    throwMarshallError(what, "an int", json);
  }
  return json.GetInt();
}

int64_t Convert<int64_t>::from(const Json& json, const ConnectionPtr&, const std::string& what) {
  if (json.IsInt64()) {
    return json.GetInt64();
  }
  // Large values may travel as decimal strings (timestamps).
  if (json.IsString() && json.GetStringLength() > 0) {
    char* end = nullptr;
    const long long value = std::strtoll(json.GetString(), &end, 10);
    if (*end == '\0') {
      return value;
    }
  }
  throwMarshallError(what, "an int64", json);
}

double Convert<double>::from(const Json& json, const ConnectionPtr&, const std::string& what) {
  if (!json.IsNumber()) {
    throwMarshallError(what, "a number", json);
  }
  return json.GetDouble();
}

}  // namespace kms::client
