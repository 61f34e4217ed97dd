// Client side of the module's complex types and events: enums (with toString/FromString
// and a kms::client::Convert specialisation), REGISTER structs and <Event>Event structs,
// each with JSON conversion.
#include "CppClientEmitter.hpp"

#include "CppEmitter.hpp"
#include "CppNames.hpp"

namespace kmsidl {
namespace client {
namespace {

const char* const kClientThrow = "  throw kms::client::Error(kms::client::errors::kMarshallError, ";

const char* const kJsonParams =
    "const kms::client::Json& json, const kms::client::ConnectionPtr& connection, "
    "const std::string& what";

std::string memberDeclaration(const ClientContext& context, const Property& property) {
  const std::string type = clientType(context, property.type);
  if (property.optional) {
    return "  std::optional<" + type + "> " + context.identifier(property.name) + ";\n";
  }
  const bool scalar =
      property.type.kind == TypeKind::kBoolean || property.type.kind == TypeKind::kInt ||
      property.type.kind == TypeKind::kInt64 || property.type.kind == TypeKind::kDouble ||
      property.type.kind == TypeKind::kEnum;
  return "  " + type + " " + context.identifier(property.name) + (scalar ? "{}" : "") + ";\n";
}

std::string enumDeclaration(const ComplexType& type) {
  std::string out = "enum class " + type.name + " { kInvalid = 0";
  for (const auto& value : type.values) {
    out += ", " + enumeratorName(value);
  }
  return out + " };\nconst char* toString(" + type.name + " value);\n" + type.name + " " +
         type.name + "FromString(const std::string& text);  // throws kms::client::Error\n\n";
}

std::string registerDeclaration(const ClientContext& context, const ComplexType& type) {
  const std::string parent = type.parent != nullptr
                                 ? scoped(context, *type.parent->module, type.parent->name)
                                 : "kms::client::ComplexType";
  std::string out = "struct " + type.name + " : public " + parent + " {\n";
  for (const auto& property : type.properties) {
    out += memberDeclaration(context, property);
  }
  out +=
      "\n  // Reads a JSON object (a subtype named by \"__type__\" when this module knows it).\n"
      "  static std::shared_ptr<" +
      type.name + "> fromJson(" + kJsonParams +
      ");\n"
      "  void toJson(kms::client::Json& out, kms::client::JsonAllocator& allocator) const "
      "override;\n\n protected:\n  void readFields(" +
      kJsonParams +
      ");\n"
      "  void writeFields(kms::client::Json& out, kms::client::JsonAllocator& allocator) "
      "const;\n};\n\n";
  return out;
}

std::string eventDeclaration(const ClientContext& context, const Event& event) {
  const std::string name = eventStructName(event);
  std::string out = "struct " + name;
  if (event.parent != nullptr) {
    out += " : public " + scopedEvent(context, *event.parent);
  }
  out += " {\n";
  for (const auto& property : event.properties) {
    out += memberDeclaration(context, property);
  }
  out += "\n  // Reads the `data` object of an onEvent notification.\n  static " + name +
         " fromJson(" + kJsonParams + ");\n\n protected:\n  void readFields(" + kJsonParams +
         ");\n};\n\n";
  return out;
}

std::string readStatements(const ClientContext& context, const std::vector<Property>& properties) {
  std::string out;
  for (const auto& property : properties) {
    const std::string function = property.optional ? "optionalMember" : "requiredMember";
    out += "  this->" + context.identifier(property.name) + " = kms::client::" + function + "<" +
           clientType(context, property.type) + ">(json, " + stringLiteral(property.name) +
           ", connection, what);\n";
  }
  return out;
}

std::string readFieldsDefinition(const ClientContext& context, const std::string& name,
                                 const std::string& parent,
                                 const std::vector<Property>& properties) {
  std::string out = "void " + name +
                    "::readFields([[maybe_unused]] const kms::client::Json& json,\n"
                    "    [[maybe_unused]] const kms::client::ConnectionPtr& connection,\n"
                    "    [[maybe_unused]] const std::string& what) {\n";
  if (!parent.empty()) {
    out += "  " + parent + "::readFields(json, connection, what);\n";
  }
  return out + readStatements(context, properties) + "}\n\n";
}

std::string objectCheck(const std::string& name) {
  return "  if (!json.IsObject()) {\n    kms::client::throwMarshallError(what, " +
         stringLiteral("an object (" + name + ")") + ", json);\n  }\n";
}

// The types of the module that extend `type`, directly or not.
std::vector<const ComplexType*> descendants(const Module& module, const ComplexType& type) {
  std::vector<const ComplexType*> result;
  for (const auto& candidate : module.complexTypes) {
    for (const ComplexType* walk = candidate.parent; walk != nullptr; walk = walk->parent) {
      if (walk == &type) {
        result.push_back(&candidate);
        break;
      }
    }
  }
  return result;
}

std::string registerDefinitions(const ClientContext& context, const ComplexType& type) {
  const std::string& name = type.name;
  std::string out = "std::shared_ptr<" + name + "> " + name + "::fromJson(" + kJsonParams +
                    ") {\n" + objectCheck(name);
  const auto subtypes = descendants(context.module, type);
  if (!subtypes.empty()) {
    out +=
        "  auto typeName_ = json.FindMember(\"__type__\");\n"
        "  if (typeName_ != json.MemberEnd() && typeName_->value.IsString()) {\n"
        "    const std::string subtype_ = typeName_->value.GetString();\n";
    for (const ComplexType* subtype : subtypes) {
      out += "    if (subtype_ == " + stringLiteral(subtype->name) + ") {\n      return " +
             subtype->name + "::fromJson(json, connection, what);\n    }\n";
    }
    out += "  }\n";
  }
  out += "  auto result_ = std::make_shared<" + name +
         ">();\n"
         "  result_->readFields(json, connection, what);\n  return result_;\n}\n\n";
  const std::string parent =
      type.parent != nullptr ? scoped(context, *type.parent->module, type.parent->name) : "";
  out += readFieldsDefinition(context, name, parent, type.properties);
  std::vector<std::pair<std::string, std::string>> members;
  for (const auto& property : type.properties) {
    members.emplace_back(property.name, context.identifier(property.name));
  }
  return out +
         emit::registerWriters("kms::client", name, parent, members, context.module.qualifiedPrefix());
}

std::string eventDefinitions(const ClientContext& context, const Event& event) {
  const std::string name = eventStructName(event);
  std::string out =
      name + " " + name + "::fromJson(" + kJsonParams + ") {\n" +
      objectCheck(event.name + " event") + "  " + name +
      " event_;\n  event_.readFields(json, connection, what);\n  return event_;\n}\n\n";
  const std::string parent = event.parent != nullptr ? scopedEvent(context, *event.parent) : "";
  return out + readFieldsDefinition(context, name, parent, event.properties);
}

}  // namespace

std::string typeDeclarations(const ClientContext& context) {
  const Module& module = context.module;
  std::string out;
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
  return out;
}

std::string typeDefinitions(const ClientContext& context) {
  std::string out;
  for (const auto& type : context.module.complexTypes) {
    out += type.format == TypeFormat::kEnum ? enumConversionDefinitions(type, kClientThrow)
                                            : registerDefinitions(context, type);
  }
  for (const auto& event : context.module.events) {
    out += eventDefinitions(context, event);
  }
  return out;
}

std::string convertDeclarations(const ClientContext& context) {
  std::string out;
  for (const auto& type : context.module.complexTypes) {
    if (type.format != TypeFormat::kEnum) {
      continue;
    }
    const std::string name = absoluteNamespace(clientNamespace(context.module)) + "::" + type.name;
    out += "template <>\nstruct Convert<" + name + "> {\n  static " + name + " from(" +
           kJsonParams + ");\n  static void to(Json& out, JsonAllocator& allocator, " + name +
           " value);\n};\n\n";
  }
  return out.empty() ? "" : "namespace kms::client {\n\n" + out + "}  // namespace kms::client\n";
}

std::string convertDefinitions(const ClientContext& context) {
  std::string out;
  const std::string ns = absoluteNamespace(clientNamespace(context.module));
  for (const auto& type : context.module.complexTypes) {
    if (type.format != TypeFormat::kEnum) {
      continue;
    }
    const std::string name = ns + "::" + type.name;
    out += name + " Convert<" + name +
           ">::from(const Json& json, const ConnectionPtr&,\n"
           "    const std::string& what) {\n  if (!json.IsString()) {\n"
           "    throwMarshallError(what, " +
           stringLiteral("a " + type.name + " (string)") + ", json);\n  }\n  try {\n    return " +
           ns + "::" + type.name +
           "FromString(json.GetString());\n  } catch (const Error& error) {\n"
           "    throw Error(error.code(), what + \": \" + error.what());\n  }\n}\n\n";
    out += "void Convert<" + name + ">::to(Json& out, JsonAllocator& allocator, " + name +
           " value) {\n  if (value == " + name +
           "::kInvalid) {\n    out.SetNull();\n"
           "  } else {\n    out.SetString(" +
           ns + "::toString(value), allocator);\n  }\n}\n\n";
  }
  return out.empty() ? "" : "namespace kms::client {\n\n" + out + "}  // namespace kms::client\n\n";
}

}  // namespace client
}  // namespace kmsidl
