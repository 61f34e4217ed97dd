// Writes the typed C++ client of one module (docs/design/generated-cpp-client.md):
// <m>Client.hpp and <m>Client.cpp, in namespace <cppNamespace>::client, on top of the
// runtime library kmsclient (client/include/kms/client).
#pragma once

#include "CppEmitter.hpp"
#include "Idl.hpp"

#include <set>
#include <string>
#include <vector>

namespace kmsidl {

// Both files of the module's client.
std::vector<GeneratedFile> emitCppClient(const Module& module);

// Writes them into `outputDir` (only changed files); returns how many were rewritten.
size_t generateCppClient(const std::string& outputDir, const Module& module);

namespace client {

// What the client emitters know about the module they write.
struct ClientContext {
  explicit ClientContext(const Module& generated);

  const Module& module;
  std::set<std::string> typeNames;  // C++ type names of the client namespace

  // A member or parameter name as a C++ identifier that hides no type of the namespace.
  std::string identifier(const std::string& name) const;
};

// "kurento::client" for a module with cppNamespace "kurento".
std::string clientNamespace(const Module& module);
// `name` declared in `owner`'s client namespace, qualified when that is not the generated one.
std::string scoped(const ClientContext& context, const Module& owner, const std::string& name);
// The struct of an event: "ElementConnectedEvent".
std::string eventStructName(const Event& event);
std::string scopedEvent(const ClientContext& context, const Event& event);
// A method name that hides no member of kms::client::RemoteObject.
std::string methodName(const std::string& name);
// "getName" / "setName" for property "name" (the IDL's accessor names, see IdlValidator).
std::string getterMethod(const std::string& property);
std::string setterMethod(const std::string& property);

// The C++ type of an IDL type on the client side (see the design document).
std::string clientType(const ClientContext& context, const TypeRef& type);
// `const T&`, or `const std::optional<T>&` for an optional param.
std::string clientParamType(const ClientContext& context, const Param& param);
// The parameter list: "const T& a, const std::optional<U>& b = std::nullopt" (defaults
// only on the trailing run of optional params). `declaration` adds the defaults.
std::string clientParamList(const ClientContext& context, const std::vector<Param>& params,
                            bool declaration);
// Statements `params_.set("a", a);` for every param.
std::string setParams(const ClientContext& context, const std::vector<Param>& params);

// Items of the module ordered so that a parent in the module comes before its children.
template <class T>
std::vector<const T*> parentsFirst(const Module& module, const std::vector<T>& items) {
  std::vector<const T*> ordered;
  std::set<const T*> placed;
  for (const auto& item : items) {
    std::vector<const T*> chain;  // item and its unplaced ancestors in the module
    for (const T* walk = &item;
         walk != nullptr && walk->module == &module && placed.count(walk) == 0;
         walk = walk->parent) {
      chain.push_back(walk);
      placed.insert(walk);
    }
    ordered.insert(ordered.end(), chain.rbegin(), chain.rend());
  }
  return ordered;
}

// Declarations and definitions of enums, REGISTER structs and event structs.
std::string typeDeclarations(const ClientContext& context);
std::string typeDefinitions(const ClientContext& context);
// The kms::client::Convert specialisations of the module's enums.
std::string convertDeclarations(const ClientContext& context);
std::string convertDefinitions(const ClientContext& context);
// Declarations and definitions of the proxy classes.
std::string classDeclarations(const ClientContext& context);
std::string classDefinitions(const ClientContext& context);

}  // namespace client
}  // namespace kmsidl
