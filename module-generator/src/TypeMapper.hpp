// IDL types -> C++ types, in the context of the module being generated.
#pragma once

#include "CppNames.hpp"
#include "Idl.hpp"

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace kmsidl {

// What every emitter needs to know about the module it writes.
struct EmitContext {
  EmitContext(const Module& generated, std::set<const RemoteClass*> servedClasses);

  const Module& module;
  std::set<const RemoteClass*> served;  // classes of `module` that get a Base (and a factory)
  std::set<std::string> takenNames;     // C++ type names of the namespace (types, events)
  std::string generationTime = "1970-01-01T00:00:00Z";

  // Imported classes are served by definition.
  bool isServed(const RemoteClass& remoteClass) const {
    return remoteClass.module != &module || served.count(&remoteClass) != 0;
  }
  // An IDL name as a safe C++ identifier in this namespace.
  std::string identifier(const std::string& name) const { return cppIdentifier(name, takenNames); }
};

// The generated module and those of its imports that share its C++ namespace (whose type names
// the generated code must not shadow).
std::vector<const Module*> modulesSharingNamespace(const Module& module);

// `name` declared in `owner`'s namespace, qualified when that is not the generated one.
std::string scopedName(const EmitContext& context, const Module& owner, const std::string& name);

// "MediaElementImpl" (or `kms::RemoteObject` for a class that is not served).
std::string implName(const EmitContext& context, const RemoteClass& remoteClass);
// "MediaElementBase".
std::string baseClassName(const EmitContext& context, const RemoteClass& remoteClass);

// How generated code names the declared types an IDL type refers to; everything else of the
// mapping (scalars, vectors, maps, shared_ptr around REGISTER types and remote classes) is the
// same for the server's code and the client's.
struct TypeSpelling {
  std::function<std::string(const ComplexType&)> complexType;
  std::function<std::string(const RemoteClass&)> remoteClass;
};
std::string spellType(const TypeRef& type, const TypeSpelling& spelling);

// The C++ value type of an IDL type (see docs/design/generated-code.md).
std::string cppType(const EmitContext& context, const TypeRef& type);

// T, or std::optional<T> for an optional param without default.
std::string paramValueType(const EmitContext& context, const Param& param);
// `const T&` of paramValueType.
std::string paramDeclType(const EmitContext& context, const Param& param);
// T, or std::optional<T> for an optional property.
std::string memberType(const EmitContext& context, const Property& property);

// A C++ expression of type cppType(type) for a default value the validator accepted.
// `what` names the value in errors (only complex defaults are parsed at run time).
std::string defaultExpression(const EmitContext& context, const TypeRef& type,
                              const rapidjson::Value& value);
// True when defaultExpression is a plain literal (scalars, strings, enum values).
bool hasLiteralDefault(const TypeRef& type);

// The remote classes a type refers to (through arrays and maps too).
void collectClasses(const TypeRef& type, std::set<const RemoteClass*>& classes);

// Definitions of `const char* toString(<Enum>)` and `<Enum> <Enum>FromString(const std::string&)`
// for an IDL enum. An unknown text ends in `throwPrefix` followed by the message (a std::string
// expression naming the enum and its values) and ");", e.g. "  throw Error(code, ".
std::string enumConversionDefinitions(const ComplexType& type, const std::string& throwPrefix);

// Compact JSON text of a value.
std::string jsonText(const rapidjson::Value& value);

}  // namespace kmsidl
