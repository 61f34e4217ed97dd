// The generator's jobs, independent of the command line: load and validate a module with its
// imports, and write its C++.
#pragma once

#include "CppEmitter.hpp"
#include "Idl.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kmsidl {

struct GeneratorOptions {
  std::string kmdPath;
  std::vector<std::string> importPaths;
  std::string outputDir;
  std::optional<std::string> implDir;  // absent: every class is served
};

// The main module first, then the imports; empty when something is wrong (see diagnostics).
std::vector<std::unique_ptr<Module>> loadModules(const GeneratorOptions& options,
                                                 Diagnostics& diagnostics);

// The classes of `module` that get generated code (see "Classes without an implementation
// yet" in the design document).
std::set<const RemoteClass*> servedClasses(const Module& module,
                                           const std::optional<std::string>& implDir);

// The generation time written into the descriptor: SOURCE_DATE_EPOCH when set, otherwise
// the newest modification time of the IDL files (so regenerating an unchanged IDL writes
// identical files).
std::string generationTime(const GeneratorOptions& options);

// Generates the module's files into options.outputDir; returns how many were rewritten.
size_t generate(const GeneratorOptions& options, const Module& module);

}  // namespace kmsidl
