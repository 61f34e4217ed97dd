#include "TypeMapper.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace kmsidl {

EmitContext::EmitContext(const Module& generated, std::set<const RemoteClass*> servedClasses)
    : module(generated), served(std::move(servedClasses)) {
  for (const Module* each : modulesSharingNamespace(module)) {
    for (const auto& type : each->complexTypes) {
      takenNames.insert(type.name);
    }
    for (const auto& event : each->events) {
      takenNames.insert(event.name);
    }
  }
}

std::vector<const Module*> modulesSharingNamespace(const Module& module) {
  std::vector<const Module*> modules{&module};
  for (const Module* imported : module.importedModules) {
    if (imported->cppNamespace == module.cppNamespace) {
      modules.push_back(imported);
    }
  }
  return modules;
}

std::string scopedName(const EmitContext& context, const Module& owner, const std::string& name) {
  if (owner.cppNamespace == context.module.cppNamespace) {
    return name;
  }
  return absoluteNamespace(owner.cppNamespace) + "::" + name;
}

std::string implName(const EmitContext& context, const RemoteClass& remoteClass) {
  if (!context.isServed(remoteClass)) {
    return "kms::RemoteObject";
  }
  return scopedName(context, *remoteClass.module, remoteClass.name + "Impl");
}

std::string baseClassName(const EmitContext& context, const RemoteClass& remoteClass) {
  return scopedName(context, *remoteClass.module, remoteClass.name + "Base");
}

std::string spellType(const TypeRef& type, const TypeSpelling& spelling) {
  switch (type.kind) {
    case TypeKind::kString:
      return "std::string";
    case TypeKind::kBoolean:
      return "bool";
    case TypeKind::kInt:
      return "int32_t";
    case TypeKind::kInt64:
      return "int64_t";
    case TypeKind::kDouble:
      return "double";
    case TypeKind::kEnum:
      return spelling.complexType(*type.complexType);
    case TypeKind::kRegister:
      return "std::shared_ptr<" + spelling.complexType(*type.complexType) + ">";
    case TypeKind::kRemoteClass:
      return "std::shared_ptr<" + spelling.remoteClass(*type.remoteClass) + ">";
    case TypeKind::kArray:
      return "std::vector<" + spellType(*type.element, spelling) + ">";
    case TypeKind::kMap:
      return "std::map<std::string, " + spellType(*type.element, spelling) + ">";
    case TypeKind::kInvalid:
      break;
  }
  return "void /* unresolved type " + type.text + " */";
}

std::string cppType(const EmitContext& context, const TypeRef& type) {
  return spellType(type, {[&](const ComplexType& complexType) {
                            return scopedName(context, *complexType.module, complexType.name);
                          },
                          [&](const RemoteClass& remoteClass) {
                            return implName(context, remoteClass);
                          }});
}

std::string paramValueType(const EmitContext& context, const Param& param) {
  const std::string type = cppType(context, param.type);
  return param.optional && !param.defaultValue ? "std::optional<" + type + ">" : type;
}

std::string paramDeclType(const EmitContext& context, const Param& param) {
  return "const " + paramValueType(context, param) + "&";
}

std::string memberType(const EmitContext& context, const Property& property) {
  const std::string type = cppType(context, property.type);
  return property.optional ? "std::optional<" + type + ">" : type;
}

bool hasLiteralDefault(const TypeRef& type) {
  switch (type.kind) {
    case TypeKind::kString:
    case TypeKind::kBoolean:
    case TypeKind::kInt:
    case TypeKind::kInt64:
    case TypeKind::kDouble:
    case TypeKind::kEnum:
      return true;
    default:
      return false;
  }
}

std::string jsonText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

std::string doubleLiteral(double value) {
  // The shortest text that reads back as the same double.
  char text[64];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(text, sizeof(text), "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value) {
      break;
    }
  }
  std::string result = text;
  if (result.find_first_of(".eEn") == std::string::npos) {
    result += ".0";
  }
  return result;
}

std::string int64Literal(int64_t value) {
  if (value == std::numeric_limits<int64_t>::min()) {
    return "(-INT64_C(9223372036854775807) - 1)";
  }
  return "INT64_C(" + std::to_string(value) + ")";
}

}  // namespace

std::string defaultExpression(const EmitContext& context, const TypeRef& type,
                              const rapidjson::Value& value) {
  switch (type.kind) {
    case TypeKind::kString:
      return "std::string(" +
             stringLiteral(std::string(value.GetString(), value.GetStringLength())) + ")";
    case TypeKind::kBoolean:
      return value.GetBool() ? "true" : "false";
    case TypeKind::kInt:
      return "int32_t{" + std::to_string(value.GetInt()) + "}";
    case TypeKind::kInt64:
      return int64Literal(value.GetInt64());
    case TypeKind::kDouble:
      return doubleLiteral(value.GetDouble());
    case TypeKind::kEnum:
      return cppType(context, type) + "::" + enumeratorName(value.GetString());
    default:
      break;
  }
  // Objects and arrays: parsed from their JSON text by the same code as client input.
  return "kms::Marshal<" + cppType(context, type) + ">::from(kms::JsonDocument().Parse(" +
         stringLiteral(jsonText(value)) + "), \"default value\")";
}

void collectClasses(const TypeRef& type, std::set<const RemoteClass*>& classes) {
  if (type.kind == TypeKind::kRemoteClass) {
    classes.insert(type.remoteClass);
  } else if (type.element) {
    collectClasses(*type.element, classes);
  }
}

std::string enumConversionDefinitions(const ComplexType& type, const std::string& throwPrefix) {
  std::string out = "const char* toString(" + type.name + " value) {\n  switch (value) {\n";
  std::string expected;
  for (const auto& value : type.values) {
    out += "    case " + type.name + "::" + enumeratorName(value) + ":\n      return " +
           stringLiteral(value) + ";\n";
    expected += (expected.empty() ? "" : ", ") + value;
  }
  out += "    case " + type.name + "::kInvalid:\n      break;\n  }\n  return \"INVALID\";\n}\n\n";
  out += type.name + " " + type.name + "FromString(const std::string& text) {\n";
  for (const auto& value : type.values) {
    out += "  if (text == " + stringLiteral(value) + ") {\n    return " + type.name +
           "::" + enumeratorName(value) + ";\n  }\n";
  }
  return out + throwPrefix + "\"'\" + text + " +
         stringLiteral("' is not a valid " + type.name + " (expected one of " + expected + ")") +
         ");\n}\n\n";
}

}  // namespace kmsidl
