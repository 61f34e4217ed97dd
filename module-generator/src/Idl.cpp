#include "Idl.hpp"

#include <set>

namespace kmsidl {

std::string Module::qualifiedPrefix() const {
  if (name == "core" || name == "elements" || name == "filters") {
    return "kurento";
  }
  return name;
}

const RemoteClass* Module::findClass(const std::string& className) const {
  for (const auto& item : remoteClasses) {
    if (item.name == className) {
      return &item;
    }
  }
  return nullptr;
}

const ComplexType* Module::findType(const std::string& typeName) const {
  for (const auto& item : complexTypes) {
    if (item.name == typeName) {
      return &item;
    }
  }
  return nullptr;
}

const Event* Module::findEvent(const std::string& eventName) const {
  for (const auto& item : events) {
    if (item.name == eventName) {
      return &item;
    }
  }
  return nullptr;
}

void Diagnostics::error(const std::string& file, const std::string& path,
                        const std::string& reason) {
  std::string message = file + ": ";
  if (!path.empty()) {
    message += path + ": ";
  }
  messages_.push_back(message + reason);
}

const char* jsonKindName(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return value.IsInt64() ? "integer" : "number";
  }
  return "unknown";
}

std::vector<const RemoteClass*> ancestorsOf(const RemoteClass& remoteClass) {
  std::vector<const RemoteClass*> result;
  std::set<const RemoteClass*> seen{&remoteClass};
  for (const RemoteClass* walk = remoteClass.parent; walk != nullptr; walk = walk->parent) {
    if (!seen.insert(walk).second) {
      break;  // a cycle; the validator reports it
    }
    result.push_back(walk);
  }
  return result;
}

}  // namespace kmsidl
