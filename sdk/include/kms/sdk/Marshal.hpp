// Conversions between C++ values and JSON, used by the generated code.
//
// Every `from` takes `what`, a description of the value's place ("param 'sink' of
// connect"), and throws KurentoException(kMediaObjectIllegalParamError) naming it.
#pragma once

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Json.hpp>
#include <kms/sdk/RemoteObject.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace kms {

[[noreturn]] void throwIllegalParam(const std::string& what, const std::string& expected,
                                    const Json& got);

template <class T, class Enable = void>
struct Marshal;

template <>
struct Marshal<std::string> {
  static std::string from(const Json& v, const std::string& what);
  static void to(Json& out, JsonAllocator& a, const std::string& v) { out.SetString(v, a); }
};

template <>
struct Marshal<bool> {
  static bool from(const Json& v, const std::string& what);
  static void to(Json& out, JsonAllocator&, bool v) { out.SetBool(v); }
};

template <>
struct Marshal<int32_t> {
  static int32_t from(const Json& v, const std::string& what);
  static void to(Json& out, JsonAllocator&, int32_t v) { out.SetInt(v); }
};

template <>
struct Marshal<int64_t> {
  static int64_t from(const Json& v, const std::string& what);
  static void to(Json& out, JsonAllocator&, int64_t v) { out.SetInt64(v); }
};

template <>
struct Marshal<double> {
  static double from(const Json& v, const std::string& what);
  static void to(Json& out, JsonAllocator&, double v) { out.SetDouble(v); }
};

template <class T>
struct Marshal<std::vector<T>> {
  static std::vector<T> from(const Json& v, const std::string& what) {
    if (!v.IsArray()) {
      throwIllegalParam(what, "an array", v);
    }
    std::vector<T> result;
    result.reserve(v.Size());
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      result.push_back(Marshal<T>::from(v[i], what + "[" + std::to_string(i) + "]"));
    }
    return result;
  }
  static void to(Json& out, JsonAllocator& a, const std::vector<T>& v) {
    out.SetArray();
    out.Reserve(static_cast<rapidjson::SizeType>(v.size()), a);
    for (const auto& item : v) {
      Json element;
      Marshal<T>::to(element, a, item);
      out.PushBack(element, a);
    }
  }
};

template <class T>
struct Marshal<std::map<std::string, T>> {
  static std::map<std::string, T> from(const Json& v, const std::string& what) {
    if (!v.IsObject()) {
      throwIllegalParam(what, "an object", v);
    }
    std::map<std::string, T> result;
    for (const auto& member : v.GetObject()) {
      std::string key(member.name.GetString(), member.name.GetStringLength());
      result.emplace(key, Marshal<T>::from(member.value, what + "." + key));
    }
    return result;
  }
  static void to(Json& out, JsonAllocator& a, const std::map<std::string, T>& v) {
    out.SetObject();
    for (const auto& [key, item] : v) {
      Json element;
      Marshal<T>::to(element, a, item);
      out.AddMember(Json(key, a), element, a);
    }
  }
};

// Remote objects travel as their id.
template <class T>
struct Marshal<std::shared_ptr<T>, std::enable_if_t<std::is_base_of_v<RemoteObject, T>>> {
  static std::shared_ptr<T> from(const Json& v, const std::string& what) {
    if (!v.IsString()) {
      throwIllegalParam(what, "an object id (string)", v);
    }
    RemoteObjectPtr object = serverContext().findObject(v.GetString());
    auto typed = std::dynamic_pointer_cast<T>(object);
    if (!typed) {
      throw KurentoException(ErrorCode::kMediaObjectIllegalParamError,
                             what + ": object '" + object->id() + "' is a " +
                                 object->typeName() + ", not of the expected type");
    }
    return typed;
  }
  static void to(Json& out, JsonAllocator& a, const std::shared_ptr<T>& v) {
    if (v) {
      out.SetString(v->id(), a);
    } else {
      out.SetNull();
    }
  }
};

// Complex types provide `static std::shared_ptr<T> fromJson(const Json&, const std::string&)`.
template <class T>
struct Marshal<std::shared_ptr<T>, std::enable_if_t<std::is_base_of_v<ComplexType, T>>> {
  static std::shared_ptr<T> from(const Json& v, const std::string& what) {
    return T::fromJson(v, what);
  }
  static void to(Json& out, JsonAllocator& a, const std::shared_ptr<T>& v) {
    if (v) {
      v->toJson(out, a);
    } else {
      out.SetNull();
    }
  }
};

// Reads a required member of a JSON object.
template <class T>
T requiredMember(const Json& object, const char* name, const std::string& what) {
  const std::string place = what + " '" + name + "'";
  if (!object.IsObject()) {
    throwIllegalParam(what, "an object", object);
  }
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) {
    throw KurentoException(ErrorCode::kMediaObjectIllegalParamError,
                           place + " is required but missing");
  }
  return Marshal<T>::from(it->value, place);
}

// Reads an optional member; empty when absent or null.
template <class T>
std::optional<T> optionalMember(const Json& object, const char* name, const std::string& what) {
  if (!object.IsObject()) {
    throwIllegalParam(what, "an object", object);
  }
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) {
    return std::nullopt;
  }
  return Marshal<T>::from(it->value, what + " '" + name + "'");
}

// Adds `name: value` to a JSON object.
template <class T>
void addMember(Json& object, JsonAllocator& a, const char* name, const T& value) {
  Json element;
  Marshal<T>::to(element, a, value);
  object.AddMember(Json(name, a), element, a);
}

template <class T>
void addMember(Json& object, JsonAllocator& a, const char* name, const std::optional<T>& value) {
  if (value) {
    addMember(object, a, name, *value);
  }
}

}  // namespace kms
