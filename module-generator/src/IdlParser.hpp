// JSON text -> kmsidl::Module. Reports structural mistakes (bad JSON, missing or mistyped
// fields) as "FILE: PATH: REASON"; names are resolved later by IdlValidator.
#pragma once

#include "Idl.hpp"

#include <memory>
#include <string>

namespace kmsidl {

// Parses IDL text; `fileName` is used in messages. Null when the text is not usable at all.
std::unique_ptr<Module> parseModule(const std::string& text, const std::string& fileName,
                                    Diagnostics& diagnostics);

// Reads and parses a file (messages name its base name).
std::unique_ptr<Module> parseModuleFile(const std::string& path, Diagnostics& diagnostics);

// The last path component ("a/b/core.kmd.json" -> "core.kmd.json").
std::string baseName(const std::string& path);

}  // namespace kmsidl
