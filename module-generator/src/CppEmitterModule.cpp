// <m>Module.cpp: the module descriptor, the factories and the IDL text.
#include "CppEmitter.hpp"

namespace kmsidl {
namespace {

using namespace emit;

bool isCreatable(const EmitContext& context, const RemoteClass& remoteClass) {
  return !remoteClass.isAbstract && remoteClass.hasConstructor && context.isServed(remoteClass);
}

std::string factoryDefinition(const EmitContext& context, const RemoteClass& remoteClass) {
  const auto& params = remoteClass.constructorParams;
  std::string out = "kms::RemoteObjectPtr create" + remoteClass.name + "(" +
                    (params.empty() ? "[[maybe_unused]] " : "") + "const kms::Json& params) {\n";
  if (!params.empty()) {
    out += "  const std::string what = " +
           stringLiteral("constructor of " + remoteClass.name + " param") + ";\n";
  }
  const Unmarshalled args = unmarshalParams(context, params, "params", "  ");
  out += args.statements;
  out += "  return std::make_shared<" + remoteClass.name + "Impl>(" + args.arguments + ");\n}\n\n";
  return out;
}

std::string factoryTable(const EmitContext& context) {
  std::string entries;
  size_t count = 0;
  for (const auto& remoteClass : context.module.remoteClasses) {
    if (isCreatable(context, remoteClass)) {
      entries += "    {" + stringLiteral(remoteClass.name) + ", " +
                 stringLiteral(context.module.qualifiedName(remoteClass.name)) + ", &" +
                 absoluteNamespace(context.module.cppNamespace) + "::create" + remoteClass.name +
                 "},\n";
      ++count;
    }
  }
  if (count == 0) {
    return "const kms::FactoryEntry* const kFactories = nullptr;\n"
           "constexpr size_t kFactoryCount = 0;\n\n";
  }
  return "const kms::FactoryEntry kFactories[] = {\n" + entries +
         "};\n"
         "constexpr size_t kFactoryCount = sizeof(kFactories) / sizeof(kFactories[0]);\n\n";
}

std::set<const RemoteClass*> factoryClasses(const EmitContext& context) {
  std::set<const RemoteClass*> classes;
  for (const auto& remoteClass : context.module.remoteClasses) {
    if (isCreatable(context, remoteClass)) {
      classes.insert(&remoteClass);
      for (const auto& param : remoteClass.constructorParams) {
        collectClasses(param.type, classes);
      }
    }
  }
  return classes;
}

}  // namespace

GeneratedFile emitModule(const EmitContext& context) {
  const Module& module = context.module;
  const std::string ns = absoluteNamespace(module.cppNamespace);
  const std::string hook = moduleIdentifier(module) + "ModuleInit";
  std::string out = banner(context, "Entry point of module " + module.name + ".");
  out += "#include \"" + module.name + "Types.hpp\"\n\n" +
         implIncludes(context, factoryClasses(context)) +
         "\n#include <kms/sdk/Marshal.hpp>\n#include <kms/sdk/Module.hpp>\n"
         "#include <kms/sdk/ServerContext.hpp>\n\n#include <cstddef>\n" +
         standardIncludes() + "\n" + openNamespace(context) + "\n";
  out +=
      "// Optional hand-written hook, run once when the host accepts the module.\n"
      "void " +
      hook +
      "(kms::ServerContext& context) __attribute__((weak));\n\n"
      "namespace {\n\n";
  for (const auto& remoteClass : module.remoteClasses) {
    if (isCreatable(context, remoteClass)) {
      out += factoryDefinition(context, remoteClass);
    }
  }
  out += "}  // namespace\n" + closeNamespace(context) + "\nnamespace {\n\n";
  out += factoryTable(context);
  out += "const char* const kKmdJson =\n" + embeddedTextLiteral(module.text) + ";\n\n";
  out += "void initModule(kms::ServerContext& context) {\n  if (" + ns + "::" + hook +
         " != nullptr) {\n    " + ns + "::" + hook + "(context);\n  }\n}\n\n}  // namespace\n\n";
  out +=
      "extern \"C\" __attribute__((visibility(\"default\"))) const kms::ModuleDescriptor*\n"
      "kms_module_descriptor() {\n"
      "  static const kms::ModuleDescriptor descriptor = {\n"
      "      KMS_MODULE_ABI_VERSION,\n      " +
      stringLiteral(module.name) + ",\n      " + stringLiteral(module.version) +
      ",\n      kKmdJson,\n      " + stringLiteral(context.generationTime) +
      ",\n      kFactories,\n      kFactoryCount,\n"
      "      &initModule};\n  return &descriptor;\n}\n";
  return {module.name + "Module.cpp", out};
}

}  // namespace kmsidl
