// Resolves the names of a set of IDL modules (types, `extends`, events, imports) and checks
// the rules the generator relies on; every mistake becomes one "FILE: PATH: REASON".
#pragma once

#include "Idl.hpp"

#include <memory>
#include <vector>

namespace kmsidl {

// `modules` holds the main module first, then the provided imports. Returns diagnostics.ok().
bool validateModules(const std::vector<std::unique_ptr<Module>>& modules, Diagnostics& diagnostics);

// Resolves `type` in the scope of `module` (itself, then its imports). Returns the unknown
// name when it fails, "" on success.
std::string resolveType(TypeRef& type, const Module& module);

// "Prop" -> "getProp"/"setProp" operation names of a property.
std::string getterName(const std::string& property);
std::string setterName(const std::string& property);

}  // namespace kmsidl
