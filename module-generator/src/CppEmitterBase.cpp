// <Class>Base.hpp/.cpp: the reflective half of a remote class (invoke, events, type names).
#include "CppEmitter.hpp"
#include "IdlValidator.hpp"

namespace kmsidl {
namespace {

using namespace emit;

std::string parentImpl(const EmitContext& context, const RemoteClass& remoteClass) {
  return remoteClass.parent != nullptr ? implName(context, *remoteClass.parent)
                                       : "kms::RemoteObject";
}

std::set<const RemoteClass*> referencedClasses(const RemoteClass& remoteClass) {
  std::set<const RemoteClass*> classes{&remoteClass};
  for (const auto& method : remoteClass.methods) {
    for (const auto& param : method.params) {
      collectClasses(param.type, classes);
    }
    if (method.hasReturn) {
      collectClasses(method.returnType, classes);
    }
  }
  for (const auto& property : remoteClass.properties) {
    collectClasses(property.type, classes);
  }
  return classes;
}

std::string methodDeclaration(const EmitContext& context, const Method& method) {
  std::string out = "  virtual " +
                    (method.hasReturn ? cppType(context, method.returnType) : "void") + " " +
                    context.identifier(method.name) + "(";
  for (size_t i = 0; i < method.params.size(); ++i) {
    out += (i == 0 ? "" : ", ") + paramDeclType(context, method.params[i]) + " " +
           context.identifier(method.params[i].name);
  }
  return out + ") = 0;\n";
}

std::string accessorDeclarations(const EmitContext& context, const Property& property) {
  const std::string type = cppType(context, property.type);
  std::string out = "  virtual " + type + " " + getterName(property.name) + "() = 0;\n";
  if (!property.readOnly && !property.isFinal) {
    out += "  virtual void " + setterName(property.name) + "(const " + type + "& " +
           context.identifier(property.name) + ") = 0;\n";
  }
  return out;
}

std::string baseHeader(const EmitContext& context, const RemoteClass& remoteClass) {
  const std::string base = remoteClass.name + "Base";
  const std::string parent = parentImpl(context, remoteClass);
  std::string out = banner(context, "Generated half of remote class " + remoteClass.name + ".");
  out += "#pragma once\n\n";
  out += remoteClass.parent != nullptr ? "#include \"" + remoteClass.parent->name + "Impl.hpp\"\n"
                                       : "#include <kms/sdk/RemoteObject.hpp>\n";
  out += "#include \"" + context.module.name + "Types.hpp\"\n\n#include <kms/sdk/Marshal.hpp>\n\n" +
         standardIncludes() + "\n" + forwardDeclarations(context, referencedClasses(remoteClass));
  out += openNamespace(context) + "\nclass " + base + " : public " + parent + " {\n public:\n";
  if (remoteClass.parent != nullptr) {
    const std::string simple = remoteClass.parent->name + "Impl";
    out += "  using " + parent + "::" + simple + ";\n\n";
  }
  for (const auto& method : remoteClass.methods) {
    out += methodDeclaration(context, method);
  }
  for (const auto& property : remoteClass.properties) {
    out += accessorDeclarations(context, property);
  }
  for (const Event* event : remoteClass.eventRefs) {
    out += "  void raise" + event->name + "(" + scopedName(context, *event->module, event->name) +
           " event) const;\n";
  }
  out +=
      "\n  const char* typeName() const override;\n"
      "  const char* qualifiedTypeName() const override;\n"
      "  std::vector<std::string> hierarchy() const override;\n"
      "  bool invoke(const std::string& operation, const kms::Json& params, kms::Json& value,\n"
      "              kms::JsonAllocator& allocator) override;\n"
      "  bool hasEvent(const std::string& type) const override;\n};\n\n";
  return out + closeNamespace(context);
}

std::string methodCase(const EmitContext& context, const Method& method) {
  std::string out = "  if (operation == " + stringLiteral(method.name) + ") {\n";
  if (!method.params.empty()) {
    out +=
        "    const std::string what = " + stringLiteral("operation '" + method.name + "' param") +
        ";\n";
  }
  const Unmarshalled args = unmarshalParams(context, method.params, "params", "    ");
  const std::string call = context.identifier(method.name) + "(" + args.arguments + ")";
  out += args.statements;
  if (method.hasReturn) {
    out += "    kms::Marshal<" + cppType(context, method.returnType) + ">::to(value, allocator, " +
           call + ");\n";
  } else {
    out += "    " + call + ";\n";
  }
  return out + "    return true;\n  }\n";
}

std::string propertyCases(const EmitContext& context, const Property& property) {
  const std::string type = cppType(context, property.type);
  const std::string getter = getterName(property.name);
  std::string out = "  if (operation == " + stringLiteral(getter) + ") {\n    kms::Marshal<" +
                    type + ">::to(value, allocator, " + getter + "());\n    return true;\n  }\n";
  if (!property.readOnly && !property.isFinal) {
    const std::string setter = setterName(property.name);
    out += "  if (operation == " + stringLiteral(setter) + ") {\n    " + setter +
           "(kms::requiredMember<" + type + ">(params, " + stringLiteral(property.name) + ", " +
           stringLiteral("operation '" + setter + "' param") + "));\n    return true;\n  }\n";
  }
  return out;
}

std::string invokeDefinition(const EmitContext& context, const RemoteClass& remoteClass) {
  const std::string base = remoteClass.name + "Base";
  std::string out = "bool " + base +
                    "::invoke([[maybe_unused]] const std::string& operation,\n"
                    "    [[maybe_unused]] const kms::Json& params, [[maybe_unused]] kms::Json& "
                    "value,\n    [[maybe_unused]] kms::JsonAllocator& allocator) {\n";
  for (const auto& method : remoteClass.methods) {
    out += methodCase(context, method);
  }
  for (const auto& property : remoteClass.properties) {
    out += propertyCases(context, property);
  }
  if (remoteClass.parent != nullptr) {
    out += "  return " + baseClassName(context, *remoteClass.parent) +
           "::invoke(operation, params, value, allocator);\n}\n\n";
  } else {
    out += "  return false;\n}\n\n";
  }
  return out;
}

std::string hasEventDefinition(const EmitContext& context, const RemoteClass& remoteClass) {
  std::string out = "bool " + remoteClass.name +
                    "Base::hasEvent([[maybe_unused]] const std::string& type) const {\n";
  if (!remoteClass.eventRefs.empty()) {
    out += "  if (";
    for (size_t i = 0; i < remoteClass.eventRefs.size(); ++i) {
      out += (i == 0 ? "" : " ||\n      ") + std::string("type == ") +
             stringLiteral(remoteClass.eventRefs[i]->name);
    }
    out += ") {\n    return true;\n  }\n";
  }
  if (remoteClass.parent != nullptr) {
    out += "  return " + baseClassName(context, *remoteClass.parent) + "::hasEvent(type);\n}\n\n";
  } else {
    out += "  return false;\n}\n\n";
  }
  return out;
}

std::string baseSource(const EmitContext& context, const RemoteClass& remoteClass) {
  const std::string base = remoteClass.name + "Base";
  std::string out = banner(context, "Generated half of remote class " + remoteClass.name + ".");
  out += "#include \"" + base + ".hpp\"\n\n" +
         implIncludes(context, referencedClasses(remoteClass)) +
         "\n#include <kms/sdk/Marshal.hpp>\n\n" + standardIncludes() + "\n" +
         openNamespace(context) + "\n";
  for (const Event* event : remoteClass.eventRefs) {
    out += "void " + base + "::raise" + event->name + "(" +
           scopedName(context, *event->module, event->name) +
           " event) const {\n"
           "  kms::JsonDocument document;\n  document.SetObject();\n"
           "  event.toJson(document, document.GetAllocator());\n  emitEvent(" +
           stringLiteral(event->name) + ", std::move(document));\n}\n\n";
  }
  out += "const char* " + base + "::typeName() const {\n  return " +
         stringLiteral(remoteClass.name) + ";\n}\n\n";
  out += "const char* " + base + "::qualifiedTypeName() const {\n  return " +
         stringLiteral(context.module.qualifiedName(remoteClass.name)) + ";\n}\n\n";
  out += "std::vector<std::string> " + base + "::hierarchy() const {\n  return {";
  const auto ancestors = qualifiedAncestors(remoteClass);
  for (size_t i = 0; i < ancestors.size(); ++i) {
    out += (i == 0 ? "" : ", ") + stringLiteral(ancestors[i]);
  }
  out += "};\n}\n\n" + invokeDefinition(context, remoteClass) +
         hasEventDefinition(context, remoteClass);
  return out + closeNamespace(context);
}

}  // namespace

std::vector<GeneratedFile> emitBase(const EmitContext& context, const RemoteClass& remoteClass) {
  return {{remoteClass.name + "Base.hpp", baseHeader(context, remoteClass)},
          {remoteClass.name + "Base.cpp", baseSource(context, remoteClass)}};
}

}  // namespace kmsidl
