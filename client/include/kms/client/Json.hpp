// JSON conversion of the values a client sends and receives (RapidJSON), and the params
// object of a request. The generated code specialises `Convert` for its enums and relies on
// the generic cases below for everything else.
#pragma once

#include <kms/client/Error.hpp>

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace kms::client {

class Connection;
class RemoteObject;
using ConnectionPtr = std::shared_ptr<Connection>;
using Json = rapidjson::Value;
using JsonDocument = rapidjson::Document;
using JsonAllocator = rapidjson::Document::AllocatorType;

// Throws Error(MARSHALL_ERROR) "<what>: expected <expected>, got <JSON kind>".
[[noreturn]] void throwMarshallError(const std::string& what, const char* expected,
                                     const Json& got);
// Compact JSON text of a value.
std::string jsonText(const Json& value);

// Base of the generated REGISTER structs (complex types).
struct ComplexType {
  virtual ~ComplexType() = default;
  // Writes the JSON object, with "__module__" and "__type__".
  virtual void toJson(Json& out, JsonAllocator& allocator) const = 0;
};

// Convert<T>::to(out, allocator, value) and Convert<T>::from(json, connection, what).
// `connection` turns object ids into proxies; `what` names the value in errors.
template <class T, class Enable = void>
struct Convert;

template <>
struct Convert<std::string> {
  static std::string from(const Json& json, const ConnectionPtr&, const std::string& what);
  static void to(Json& out, JsonAllocator& allocator, const std::string& value) {
    out.SetString(value.data(), static_cast<rapidjson::SizeType>(value.size()), allocator);
  }
};

template <>
struct Convert<bool> {
  static bool from(const Json& json, const ConnectionPtr&, const std::string& what);
  static void to(Json& out, JsonAllocator&, bool value) { out.SetBool(value); }
};

template <>
struct Convert<int32_t> {
  static int32_t from(const Json& json, const ConnectionPtr&, const std::string& what);
  static void to(Json& out, JsonAllocator&, int32_t value) { out.SetInt(value); }
};

template <>
struct Convert<int64_t> {
  static int64_t from(const Json& json, const ConnectionPtr&, const std::string& what);
  static void to(Json& out, JsonAllocator&, int64_t value) { out.SetInt64(value); }
};

template <>
struct Convert<double> {
  static double from(const Json& json, const ConnectionPtr&, const std::string& what);
  static void to(Json& out, JsonAllocator&, double value) { out.SetDouble(value); }
};

template <class T>
struct Convert<std::vector<T>> {
  static std::vector<T> from(const Json& json, const ConnectionPtr& connection,
                             const std::string& what) {
    if (!json.IsArray()) {
      throwMarshallError(what, "an array", json);
    }
    std::vector<T> result;
    result.reserve(json.Size());
    for (rapidjson::SizeType i = 0; i < json.Size(); ++i) {
      result.push_back(Convert<T>::from(json[i], connection, what + "[" + std::to_string(i) + "]"));
    }
    return result;
  }
  static void to(Json& out, JsonAllocator& allocator, const std::vector<T>& value) {
    out.SetArray();
    for (const auto& item : value) {
      Json json;
      Convert<T>::to(json, allocator, item);
      out.PushBack(json, allocator);
    }
  }
};

template <class T>
struct Convert<std::map<std::string, T>> {
  static std::map<std::string, T> from(const Json& json, const ConnectionPtr& connection,
                                       const std::string& what) {
    if (!json.IsObject()) {
      throwMarshallError(what, "an object", json);
    }
    std::map<std::string, T> result;
    for (const auto& member : json.GetObject()) {
      std::string key(member.name.GetString(), member.name.GetStringLength());
      result.emplace(key, Convert<T>::from(member.value, connection, what + "." + key));
    }
    return result;
  }
  static void to(Json& out, JsonAllocator& allocator, const std::map<std::string, T>& value) {
    out.SetObject();
    for (const auto& [key, item] : value) {
      Json json;
      Convert<T>::to(json, allocator, item);
      out.AddMember(Json(key.c_str(), allocator), json, allocator);
    }
  }
};

// Proxies (T derives from RemoteObject) travel as object ids; complex types as objects
// (T::fromJson picks the subtype named by "__type__").
template <class T>
struct Convert<std::shared_ptr<T>> {
  static std::shared_ptr<T> from(const Json& json, const ConnectionPtr& connection,
                                 const std::string& what) {
    if (json.IsNull()) {
      return nullptr;
    }
    if constexpr (std::is_base_of_v<RemoteObject, T>) {
      if (!json.IsString()) {
        throwMarshallError(what, "an object id (string)", json);
      }
      return std::make_shared<T>(connection, std::string(json.GetString(), json.GetStringLength()));
    } else {
      return T::fromJson(json, connection, what);
    }
  }
  static void to(Json& out, JsonAllocator& allocator, const std::shared_ptr<T>& value) {
    if (!value) {
      out.SetNull();
    } else if constexpr (std::is_base_of_v<RemoteObject, T>) {
      Convert<std::string>::to(out, allocator, value->id());
    } else {
      value->toJson(out, allocator);
    }
  }
};

// Member `name` of the JSON object `json`; throws when it is missing.
template <class T>
T requiredMember(const Json& json, const char* name, const ConnectionPtr& connection,
                 const std::string& what) {
  auto member = json.FindMember(name);
  if (member == json.MemberEnd()) {
    throw Error(errors::kMarshallError, what + ": member '" + name + "' is missing");
  }
  return Convert<T>::from(member->value, connection, what + "." + name);
}

// Member `name` of `json`, or nothing when it is missing or null.
template <class T>
std::optional<T> optionalMember(const Json& json, const char* name, const ConnectionPtr& connection,
                                const std::string& what) {
  auto member = json.FindMember(name);
  if (member == json.MemberEnd() || member->value.IsNull()) {
    return std::nullopt;
  }
  return Convert<T>::from(member->value, connection, what + "." + name);
}

// Writes `value` as member `name` of the JSON object `out`.
template <class T>
void addMember(Json& out, JsonAllocator& allocator, const char* name, const T& value) {
  Json json;
  Convert<T>::to(json, allocator, value);
  out.AddMember(Json(name, allocator), json, allocator);
}

template <class T>
void addMember(Json& out, JsonAllocator& allocator, const char* name,
               const std::optional<T>& value) {
  if (value) {
    addMember(out, allocator, name, *value);
  }
}

// The params object of a request (constructor params, operation params).
class Params {
 public:
  Params() { document_.SetObject(); }

  template <class T>
  Params& set(const char* name, const T& value) {
    addMember(document_, document_.GetAllocator(), name, value);
    return *this;
  }

  JsonDocument& document() { return document_; }

 private:
  JsonDocument document_;
};

}  // namespace kms::client
