#include "IdlValidator.hpp"

#include "CppNames.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace kmsidl {
namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() > suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// An identifier that may also hold '-' (not first): a module name names files and packages.
bool isModuleName(std::string text) {
  if (text.empty() || text[0] == '-') {
    return false;
  }
  std::replace(text.begin(), text.end(), '-', '_');
  return isIdentifier(text);
}

std::vector<const Module*> scopeOf(const Module& module) {
  std::vector<const Module*> scope{&module};
  scope.insert(scope.end(), module.importedModules.begin(), module.importedModules.end());
  return scope;
}

// Modules named by a qualifier ("core", "kurento") in the scope of `module`.
std::vector<const Module*> modulesNamed(const Module& module, const std::string& qualifier) {
  std::vector<const Module*> result;
  for (const Module* candidate : scopeOf(module)) {
    if (candidate->name == qualifier || candidate->qualifiedPrefix() == qualifier) {
      result.push_back(candidate);
    }
  }
  return result;
}

// Splits "core.Tag" into ("core", "Tag"); unqualified names give ("", name).
std::pair<std::string, std::string> splitQualified(const std::string& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) {
    return {"", name};
  }
  return {name.substr(0, dot), name.substr(dot + 1)};
}

std::vector<const Module*> candidatesFor(const Module& module, const std::string& qualifier) {
  return qualifier.empty() ? scopeOf(module) : modulesNamed(module, qualifier);
}

template <class T, class Find>
const T* lookup(const Module& module, const std::string& name, Find find) {
  const auto [qualifier, simple] = splitQualified(name);
  for (const Module* candidate : candidatesFor(module, qualifier)) {
    if (const T* found = find(*candidate, simple)) {
      return found;
    }
  }
  return nullptr;
}

const RemoteClass* lookupClass(const Module& module, const std::string& name) {
  return lookup<RemoteClass>(module, name,
                             [](const Module& m, const std::string& n) { return m.findClass(n); });
}

const ComplexType* lookupType(const Module& module, const std::string& name) {
  return lookup<ComplexType>(module, name,
                             [](const Module& m, const std::string& n) { return m.findType(n); });
}

const Event* lookupEvent(const Module& module, const std::string& name) {
  return lookup<Event>(module, name,
                       [](const Module& m, const std::string& n) { return m.findEvent(n); });
}

// Checks every rule on one module, resolving its names.
class ModuleValidator {
 public:
  ModuleValidator(Module& module, Diagnostics& diagnostics)
      : module_(module), diagnostics_(diagnostics) {}

  void run() {
    checkNames();
    checkDuplicates();
    resolveExtends();
    checkCycles();
    for (auto& remoteClass : module_.remoteClasses) {
      checkClass(remoteClass);
    }
    for (auto& type : module_.complexTypes) {
      checkComplexType(type);
    }
    for (auto& event : module_.events) {
      checkProperties(event.properties);
    }
  }

 private:
  void error(const std::string& path, const std::string& reason) {
    diagnostics_.error(module_.fileName, path, reason);
  }

  template <class Items>
  void checkUnique(const Items& items, const std::string& kind,
                   std::map<std::string, std::string>& seen) {
    for (const auto& item : items) {
      if (item.name.empty()) {
        continue;  // already reported by the parser
      }
      auto [it, fresh] = seen.emplace(item.name, item.path);
      if (!fresh) {
        error(item.path + ".name",
              "duplicate " + kind + " name '" + item.name + "' (also at " + it->second + ")");
      }
    }
  }

  // Names become file names, C++ and JavaScript identifiers and the type names on the wire.
  void checkNames() {
    if (!module_.name.empty() && !isModuleName(module_.name)) {
      error("name", "module name '" + module_.name +
                        "' is not a name (letters, digits, '_' and '-', not starting with a "
                        "digit or '-')");
    }
    checkNamesOf(module_.remoteClasses, "class");
    for (const auto& remoteClass : module_.remoteClasses) {
      checkNamesOf(remoteClass.constructorParams, "param");
      checkNamesOf(remoteClass.properties, "property");
      checkNamesOf(remoteClass.methods, "method");
      for (const auto& method : remoteClass.methods) {
        checkNamesOf(method.params, "param");
      }
    }
    checkNamesOf(module_.complexTypes, "type");
    for (const auto& type : module_.complexTypes) {
      checkNamesOf(type.properties, "property");
    }
    checkNamesOf(module_.events, "event");
    for (const auto& event : module_.events) {
      checkNamesOf(event.properties, "property");
    }
  }

  template <class Items>
  void checkNamesOf(const Items& items, const std::string& kind) {
    for (const auto& item : items) {
      if (!item.name.empty() && !isIdentifier(item.name)) {  // empty: reported by the parser
        error(item.path + ".name", kind + " name '" + item.name +
                                       "' is not an identifier (letters, digits and '_', not "
                                       "starting with a digit)");
      }
    }
  }

  void checkDuplicates() {
    std::map<std::string, std::string> classes;
    checkUnique(module_.remoteClasses, "class", classes);
    // Complex types and events share the C++ namespace: one name space for both.
    std::map<std::string, std::string> typesAndEvents;
    checkUnique(module_.complexTypes, "type", typesAndEvents);
    checkUnique(module_.events, "type or event", typesAndEvents);
  }

  void resolveExtends() {
    for (auto& remoteClass : module_.remoteClasses) {
      if (remoteClass.extends.name.empty()) {
        continue;
      }
      remoteClass.parent = lookupClass(module_, remoteClass.extends.name);
      if (remoteClass.parent == nullptr) {
        error(remoteClass.extends.path, "unknown class '" + remoteClass.extends.name + "'");
      }
    }
    for (auto& type : module_.complexTypes) {
      resolveTypeExtends(type);
    }
    for (auto& event : module_.events) {
      if (event.extends.name.empty()) {
        continue;
      }
      event.parent = lookupEvent(module_, event.extends.name);
      if (event.parent == nullptr) {
        error(event.extends.path, "unknown event '" + event.extends.name + "'");
      }
    }
  }

  void resolveTypeExtends(ComplexType& type) {
    if (type.extends.name.empty()) {
      return;
    }
    if (type.format == TypeFormat::kEnum) {
      error(type.extends.path, "an ENUM type cannot extend another type");
      return;
    }
    type.parent = lookupType(module_, type.extends.name);
    if (type.parent == nullptr) {
      error(type.extends.path, "unknown type '" + type.extends.name + "'");
    } else if (type.parent->format != TypeFormat::kRegister) {
      error(type.extends.path, "type '" + type.extends.name + "' is not a REGISTER type");
      type.parent = nullptr;
    }
  }

  // Reports a cycle once, at the first of its members in the file.
  template <class Items>
  void checkCyclesOf(const Items& items) {
    using Item = typename Items::value_type;
    for (const Item& start : items) {
      std::vector<const Item*> chain{&start};
      for (const Item* walk = start.parent; walk != nullptr; walk = walk->parent) {
        auto seen = std::find(chain.begin(), chain.end(), walk);
        if (seen == chain.begin()) {
          reportCycle(start, chain, items);
          break;
        }
        if (seen != chain.end()) {
          break;  // a cycle not through `start`; reported from one of its members
        }
        chain.push_back(walk);
      }
    }
  }

  template <class Item, class Items>
  void reportCycle(const Item& start, const std::vector<const Item*>& chain, const Items& items) {
    for (const Item* member : chain) {
      if (member < &start && member >= &items.front() && member <= &items.back()) {
        return;  // an earlier member reports it
      }
    }
    std::string text;
    for (const Item* member : chain) {
      text += member->name + " -> ";
    }
    error(start.extends.path, "cycle in extends: " + text + start.name);
  }

  void checkCycles() {
    checkCyclesOf(module_.remoteClasses);
    checkCyclesOf(module_.complexTypes);
    checkCyclesOf(module_.events);
  }

  void checkType(TypeRef& type) {
    if (type.text.empty()) {
      return;  // reported by the parser
    }
    const std::string unknown = resolveType(type, module_);
    if (!unknown.empty()) {
      error(type.path, "unknown type '" + unknown + "'");
    }
  }

  void checkClass(RemoteClass& remoteClass) {
    std::map<std::string, std::string> seenEvents;
    for (const auto& ref : remoteClass.events) {
      const Event* event = lookupEvent(module_, ref.name);
      auto [first, fresh] = seenEvents.emplace(ref.name, ref.path);
      if (!fresh) {
        error(ref.path, "duplicate event '" + ref.name + "' (also at " + first->second + ")");
      } else if (event == nullptr) {
        error(ref.path, "unknown event '" + ref.name + "'");
      } else {
        remoteClass.eventRefs.push_back(event);
      }
    }
    checkParams(remoteClass.constructorParams);
    checkProperties(remoteClass.properties);
    std::map<std::string, std::string> methods;
    checkUnique(remoteClass.methods, "method", methods);
    for (auto& method : remoteClass.methods) {
      checkMethodName(remoteClass, method);
      checkParams(method.params);
      if (method.hasReturn) {
        checkType(method.returnType);
      }
    }
  }

  void checkMethodName(const RemoteClass& remoteClass, const Method& method) {
    static const std::set<std::string> kReserved = {
        "invoke",       "typeName",        "qualifiedTypeName", "hierarchy",     "hasEvent",
        "parentObject", "postConstructor", "releaseResources",  "eventTags",     "emitEvent",
        "id",           "assignId",        "shared_from_this",  "weak_from_this"};
    if (kReserved.count(method.name) != 0) {
      error(method.path + ".name",
            "method name '" + method.name + "' is reserved (a member of kms::RemoteObject)");
    }
    for (const auto& property : remoteClass.properties) {
      if (method.name == getterName(property.name) || method.name == setterName(property.name)) {
        error(method.path + ".name", "method '" + method.name +
                                         "' clashes with an accessor of property '" +
                                         property.name + "'");
      }
    }
  }

  void checkParams(std::vector<Param>& params) {
    std::map<std::string, std::string> names;
    checkUnique(params, "param", names);
    for (auto& param : params) {
      checkType(param.type);
      if (param.defaultValue && !param.optional) {
        error(param.path + ".defaultValue", "a defaultValue requires \"optional\": true");
      } else if (param.defaultValue) {
        checkDefault(*param.defaultValue, param.type, param.path + ".defaultValue");
      }
    }
  }

  void checkProperties(std::vector<Property>& properties) {
    std::map<std::string, std::string> names;
    checkUnique(properties, "property", names);
    for (auto& property : properties) {
      checkType(property.type);
      if (property.defaultValue) {
        checkDefault(*property.defaultValue, property.type, property.path + ".defaultValue");
      }
    }
  }

  void checkComplexType(ComplexType& type) {
    if (type.format == TypeFormat::kEnum) {
      std::set<std::string> seen;
      for (size_t i = 0; i < type.values.size(); ++i) {
        if (!seen.insert(type.values[i]).second) {
          error(type.path + ".values[" + std::to_string(i) + "]",
                "duplicate value '" + type.values[i] + "'");
        }
      }
      return;
    }
    checkProperties(type.properties);
  }

  void checkDefault(const rapidjson::Value& value, const TypeRef& type, const std::string& path) {
    const std::string expected = expectedDefault(value, type);
    if (!expected.empty()) {
      error(path, "expected " + expected + " for type '" + type.text + "', got " +
                      (value.IsString() ? "'" + std::string(value.GetString()) + "'"
                                        : std::string(jsonKindName(value))));
    }
  }

  // What a default of `type` must be, or "" when `value` fits.
  static std::string expectedDefault(const rapidjson::Value& value, const TypeRef& type) {
    switch (type.kind) {
      case TypeKind::kInvalid:
        return "";  // the type is reported
      case TypeKind::kString:
        return value.IsString() ? "" : "a string";
      case TypeKind::kBoolean:
        return value.IsBool() ? "" : "a boolean";
      case TypeKind::kInt:
        return value.IsInt() ? "" : "a 32-bit integer";
      case TypeKind::kInt64:
        return value.IsInt64() ? "" : "a 64-bit integer";
      case TypeKind::kDouble:
        return value.IsNumber() ? "" : "a number";
      case TypeKind::kEnum: {
        const auto& values = type.complexType->values;
        const bool fits = value.IsString() && std::find(values.begin(), values.end(),
                                                        value.GetString()) != values.end();
        return fits ? "" : "one of the values of " + type.complexType->name;
      }
      case TypeKind::kRegister:
        return value.IsObject() ? "" : "an object";
      case TypeKind::kRemoteClass:
        return "no defaultValue (not allowed for a remote class)";
      case TypeKind::kArray:
        if (!value.IsArray()) {
          return "an array";
        }
        for (const auto& item : value.GetArray()) {
          if (!expectedDefault(item, *type.element).empty()) {
            return "an array of " + type.element->text;
          }
        }
        return "";
      case TypeKind::kMap:
        if (!value.IsObject()) {
          return "an object";
        }
        for (const auto& member : value.GetObject()) {
          if (!expectedDefault(member.value, *type.element).empty()) {
            return "an object of " + type.element->text;
          }
        }
        return "";
    }
    return "";
  }

  Module& module_;
  Diagnostics& diagnostics_;
};

void resolveImports(const std::vector<std::unique_ptr<Module>>& modules, Module& module,
                    Diagnostics& diagnostics) {
  module.importedModules.clear();
  for (const auto& ref : module.imports) {
    auto it = std::find_if(modules.begin(), modules.end(),
                           [&](const auto& candidate) { return candidate->name == ref.name; });
    if (it == modules.end()) {
      diagnostics.error(module.fileName, ref.path,
                        "imported module '" + ref.name + "' was not provided (--import-kmd)");
    } else if (it->get() != &module) {
      module.importedModules.push_back(it->get());
    }
  }
}

}  // namespace

std::string getterName(const std::string& property) {
  std::string name = "get" + property;
  name[3] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[3])));
  return name;
}

std::string setterName(const std::string& property) {
  std::string name = getterName(property);
  name[0] = 's';
  return name;
}

std::string resolveType(TypeRef& type, const Module& module) {
  const std::string& text = type.text;
  if (endsWith(text, "[]") || endsWith(text, "<>")) {
    type.kind = endsWith(text, "[]") ? TypeKind::kArray : TypeKind::kMap;
    type.element = std::make_shared<TypeRef>();
    type.element->text = text.substr(0, text.size() - 2);
    type.element->path = type.path;
    return resolveType(*type.element, module);
  }
  static const std::map<std::string, TypeKind> kPrimitives = {
      {"String", TypeKind::kString}, {"boolean", TypeKind::kBoolean},
      {"int", TypeKind::kInt},       {"int64", TypeKind::kInt64},
      {"float", TypeKind::kDouble},  {"double", TypeKind::kDouble}};
  auto primitive = kPrimitives.find(text);
  if (primitive != kPrimitives.end()) {
    type.kind = primitive->second;
    return "";
  }
  if (const ComplexType* complex = lookupType(module, text)) {
    type.complexType = complex;
    if (complex->format != TypeFormat::kInvalid) {
      type.kind = complex->format == TypeFormat::kEnum ? TypeKind::kEnum : TypeKind::kRegister;
    }
    return "";  // a type of unknown typeFormat stays kInvalid (reported by the parser)
  }
  if (const RemoteClass* remoteClass = lookupClass(module, text)) {
    type.remoteClass = remoteClass;
    type.kind = TypeKind::kRemoteClass;
    return "";
  }
  type.kind = TypeKind::kInvalid;
  return text;
}

bool validateModules(const std::vector<std::unique_ptr<Module>>& modules,
                     Diagnostics& diagnostics) {
  for (const auto& module : modules) {
    resolveImports(modules, *module, diagnostics);
  }
  for (const auto& module : modules) {
    ModuleValidator(*module, diagnostics).run();
  }
  return diagnostics.ok();
}

}  // namespace kmsidl
