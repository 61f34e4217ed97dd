// <m>Types.hpp/.cpp: enums, REGISTER structs and event structs.
#include "CppEmitter.hpp"

#include <algorithm>
#include <functional>

namespace kmsidl {
namespace {

using namespace emit;

// Items of the module ordered so that a parent in the module comes before its children.
template <class T>
std::vector<const T*> parentsFirst(const Module& module, const std::vector<T>& items) {
  std::vector<const T*> ordered;
  std::set<const T*> placed;
  std::function<void(const T&)> place = [&](const T& item) {
    if (placed.count(&item) != 0) {
      return;
    }
    placed.insert(&item);
    if (item.parent != nullptr && item.parent->module == &module) {
      place(*item.parent);
    }
    ordered.push_back(&item);
  };
  for (const auto& item : items) {
    place(item);
  }
  return ordered;
}

// The base events whose fields the host fills in: they generate empty structs.
bool isHostFilledEvent(const Event& event) {
  return event.name == "RaiseBase" || event.name == "Media";
}

std::string memberDeclaration(const EmitContext& context, const Property& property) {
  std::string init;
  if (property.optional && property.defaultValue && hasLiteralDefault(property.type)) {
    init = "{" + defaultExpression(context, property.type, *property.defaultValue) + "}";
  } else if (!property.optional && property.type.kind != TypeKind::kString &&
             property.type.kind != TypeKind::kArray && property.type.kind != TypeKind::kMap &&
             property.type.kind != TypeKind::kRegister &&
             property.type.kind != TypeKind::kRemoteClass) {
    init = "{}";
  }
  return "  " + memberType(context, property) + " " + context.identifier(property.name) + init +
         ";\n";
}

std::string enumDeclaration(const ComplexType& type) {
  std::string out = "enum class " + type.name + " { kInvalid = 0";
  for (const auto& value : type.values) {
    out += ", " + enumeratorName(value);
  }
  out += " };\n";
  out += "const char* toString(" + type.name + " value);\n";
  out += type.name + " " + type.name + "FromString(const std::string& text);\n\n";
  return out;
}

std::string registerDeclaration(const EmitContext& context, const ComplexType& type) {
  const std::string parent = type.parent != nullptr
                                 ? scopedName(context, *type.parent->module, type.parent->name)
                                 : "kms::ComplexType";
  std::string out = "struct " + type.name + " : public " + parent + " {\n";
  for (const auto& property : type.properties) {
    out += memberDeclaration(context, property);
  }
  if (!type.properties.empty()) {
    out += "\n";
  }
  out +=
      "  // Reads a JSON object; throws KurentoException naming `what` when it does not fit.\n"
      "  static std::shared_ptr<" +
      type.name +
      "> fromJson(const kms::Json& json, const std::string& what);\n"
      "  void toJson(kms::Json& out, kms::JsonAllocator& allocator) const override;\n\n"
      " protected:\n"
      "  void readFields(const kms::Json& json, const std::string& what);\n"
      "  void writeFields(kms::Json& out, kms::JsonAllocator& allocator) const;\n"
      "};\n\n";
  return out;
}

std::string eventDeclaration(const EmitContext& context, const Event& event) {
  std::string out = "struct " + event.name;
  if (event.parent != nullptr) {
    out += " : public " + scopedName(context, *event.parent->module, event.parent->name);
  }
  out += " {\n";
  if (!isHostFilledEvent(event)) {
    for (const auto& property : event.properties) {
      out += memberDeclaration(context, property);
    }
    if (!event.properties.empty()) {
      out += "\n";
    }
  }
  out +=
      "  // Writes the event's fields (parents' first) into the JSON object `out`.\n"
      "  void toJson(kms::Json& out, kms::JsonAllocator& allocator) const;\n};\n\n";
  return out;
}

std::string marshalDeclarations(const EmitContext& context) {
  std::string out;
  for (const auto& type : context.module.complexTypes) {
    if (type.format != TypeFormat::kEnum) {
      continue;
    }
    const std::string name = absoluteNamespace(context.module.cppNamespace) + "::" + type.name;
    out += "template <>\nstruct Marshal<" + name + "> {\n  static " + name +
           " from(const Json& value, const std::string& what);\n"
           "  static void to(Json& out, JsonAllocator& allocator, " +
           name + " value);\n};\n\n";
  }
  if (out.empty()) {
    return "";
  }
  return "namespace kms {\n\n" + out + "}  // namespace kms\n";
}

std::set<const RemoteClass*> referencedClasses(const Module& module) {
  std::set<const RemoteClass*> classes;
  for (const auto& type : module.complexTypes) {
    for (const auto& property : type.properties) {
      collectClasses(property.type, classes);
    }
  }
  for (const auto& event : module.events) {
    if (!isHostFilledEvent(event)) {
      for (const auto& property : event.properties) {
        collectClasses(property.type, classes);
      }
    }
  }
  return classes;
}

std::string typesHeader(const EmitContext& context) {
  const Module& module = context.module;
  std::string out = banner(context, "Complex types and events of module " + module.name + ".");
  out += "#pragma once\n\n";
  for (const Module* imported : module.importedModules) {
    out += "#include \"" + imported->name + "Types.hpp\"\n";
  }
  out += "\n#include <kms/sdk/Marshal.hpp>\n\n" + standardIncludes() + "\n";
  out += forwardDeclarations(context, referencedClasses(module));
  out += openNamespace(context) + "\n";
  for (const auto& type : module.complexTypes) {
    if (type.format == TypeFormat::kRegister) {
      out += "struct " + type.name + ";\n";
    }
  }
  out += "\n";
  for (const auto& type : module.complexTypes) {
    if (type.format == TypeFormat::kEnum) {
      out += enumDeclaration(type);
    }
  }
  for (const ComplexType* type : parentsFirst(module, module.complexTypes)) {
    if (type->format == TypeFormat::kRegister) {
      out += registerDeclaration(context, *type);
    }
  }
  for (const Event* event : parentsFirst(module, module.events)) {
    out += eventDeclaration(context, *event);
  }
  out += closeNamespace(context) + "\n" + marshalDeclarations(context);
  return out;
}

std::string readFieldStatements(const EmitContext& context, const ComplexType& type) {
  std::string out;
  for (const auto& property : type.properties) {
    const std::string member = "this->" + context.identifier(property.name);
    const std::string cpp = cppType(context, property.type);
    const std::string key = stringLiteral(property.name);
    if (!property.optional) {
      out += "  " + member + " = kms::requiredMember<" + cpp + ">(json, " + key + ", field);\n";
      continue;
    }
    out += "  if (auto item = kms::optionalMember<" + cpp + ">(json, " + key + ", field)) {\n    " +
           member + " = std::move(item);\n  }";
    if (property.defaultValue && !hasLiteralDefault(property.type)) {
      out += " else {\n    " + member + " = " +
             defaultExpression(context, property.type, *property.defaultValue) + ";\n  }";
    }
    out += "\n";
  }
  return out;
}

std::string registerDefinitions(const EmitContext& context, const ComplexType& type) {
  const std::string& name = type.name;
  const std::string parent =
      type.parent != nullptr ? scopedName(context, *type.parent->module, type.parent->name) : "";
  std::string out = "std::shared_ptr<" + name + "> " + name +
                    "::fromJson(const kms::Json& json, const std::string& what) {\n"
                    "  if (!json.IsObject()) {\n    kms::throwIllegalParam(what, " +
                    stringLiteral("an object (" + name + ")") +
                    ", json);\n  }\n"
                    "  auto result = std::make_shared<" +
                    name +
                    ">();\n"
                    "  result->readFields(json, what);\n  return result;\n}\n\n";
  out += "void " + name +
         "::readFields([[maybe_unused]] const kms::Json& json,\n"
         "    [[maybe_unused]] const std::string& what) {\n";
  if (!parent.empty()) {
    out += "  " + parent + "::readFields(json, what);\n";
  }
  if (!type.properties.empty()) {
    out += "  const std::string field = what + \" field\";\n" + readFieldStatements(context, type);
  }
  out += "}\n\n";
  std::vector<std::pair<std::string, std::string>> members;
  for (const auto& property : type.properties) {
    members.emplace_back(property.name, context.identifier(property.name));
  }
  return out + registerWriters("kms", name, parent, members, context.module.qualifiedPrefix());
}

std::string eventDefinition(const EmitContext& context, const Event& event) {
  std::string out = "void " + event.name +
                    "::toJson(kms::Json& out,\n"
                    "    [[maybe_unused]] kms::JsonAllocator& allocator) const {\n";
  if (event.parent != nullptr) {
    out += "  " + scopedName(context, *event.parent->module, event.parent->name) +
           "::toJson(out, allocator);\n";
  } else {
    out += "  if (!out.IsObject()) {\n    out.SetObject();\n  }\n";
  }
  if (!isHostFilledEvent(event)) {
    for (const auto& property : event.properties) {
      out += "  kms::addMember(out, allocator, " + stringLiteral(property.name) + ", this->" +
             context.identifier(property.name) + ");\n";
    }
  }
  return out + "}\n\n";
}

std::string marshalDefinitions(const EmitContext& context) {
  std::string out;
  const std::string ns = absoluteNamespace(context.module.cppNamespace);
  for (const auto& type : context.module.complexTypes) {
    if (type.format != TypeFormat::kEnum) {
      continue;
    }
    const std::string name = ns + "::" + type.name;
    out += name + " Marshal<" + name +
           ">::from(const Json& value, const std::string& what) {\n"
           "  if (!value.IsString()) {\n    throwIllegalParam(what, " +
           stringLiteral("a " + type.name + " (string)") +
           ", value);\n  }\n"
           "  try {\n    return " +
           ns + "::" + type.name +
           "FromString(value.GetString());\n"
           "  } catch (const KurentoException& error) {\n"
           "    throw KurentoException(error.code(), what + \": \" + error.what());\n  }\n}\n\n";
    out += "void Marshal<" + name + ">::to(Json& out, JsonAllocator& allocator, " + name +
           " value) {\n  if (value == " + name +
           "::kInvalid) {\n    out.SetNull();\n  } else {\n"
           "    out.SetString(" +
           ns + "::toString(value), allocator);\n  }\n}\n\n";
  }
  return out.empty() ? "" : "namespace kms {\n\n" + out + "}  // namespace kms\n";
}

std::string typesSource(const EmitContext& context) {
  const Module& module = context.module;
  std::string out = banner(context, "Complex types and events of module " + module.name + ".");
  out += "#include \"" + module.name + "Types.hpp\"\n\n";
  std::string impls = implIncludes(context, referencedClasses(module));
  out += impls + (impls.empty() ? "" : "\n");
  out += "#include <kms/sdk/Error.hpp>\n#include <kms/sdk/Marshal.hpp>\n\n" + standardIncludes() +
         "\n" + openNamespace(context) + "\n";
  for (const auto& type : module.complexTypes) {
    if (type.format == TypeFormat::kEnum) {
      out += enumConversionDefinitions(
          type, "  throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,\n"
                "                              ");
    } else if (type.format == TypeFormat::kRegister) {
      out += registerDefinitions(context, type);
    }
  }
  for (const auto& event : module.events) {
    out += eventDefinition(context, event);
  }
  out += closeNamespace(context) + "\n" + marshalDefinitions(context);
  return out;
}

}  // namespace

std::vector<GeneratedFile> emitTypes(const EmitContext& context) {
  return {{context.module.name + "Types.hpp", typesHeader(context)},
          {context.module.name + "Types.cpp", typesSource(context)}};
}

}  // namespace kmsidl
