// Finds, checks and loads module .so files; refuses unsafe or mismatched ones with a clear log.
#pragma once

#include <kms/sdk/Module.hpp>

#include <boost/dll/shared_library.hpp>

#include <set>
#include <string>
#include <vector>

namespace kms::host {

struct LoadedModule {
  const kms::ModuleDescriptor* descriptor = nullptr;
  std::string path;
  boost::dll::shared_library library;  // keeps the module mapped
};

class ModuleLoader {
 public:
  // Loads every *.so (lib*.so included) found directly in each folder, in the given order of
  // folders and sorted by file name within a folder; a file reached twice is read once.
  // A module is refused (logged at ERROR with what to rebuild and how, and skipped) when:
  // it is not a 64-bit little-endian ELF shared library of this machine (e.g. ET_EXEC, a PIE
  // executable, not ELF at all), it has text relocations (DT_TEXTREL or DF_TEXTREL), it asks
  // for an executable stack, the dynamic loader fails on it, its ABI version differs from
  // KMS_MODULE_ABI_VERSION, its module name was already loaded, or it defines a type name
  // that a loaded module already defines. Files that are not modules (no descriptor symbol)
  // but are dependencies of modules (e.g. shared libraries) are skipped with an INFO log.
  // The modules' init functions are not called here (the server does that).
  std::vector<LoadedModule> loadAll(const std::vector<std::string>& folders);

  // Refusal reasons recorded during loadAll, one line per refused file (for tests/logs).
  const std::vector<std::string>& refusals() const { return refusals_; }

 private:
  class Session;  // the state of one loadAll call
  std::vector<std::string> refusals_;
};

}  // namespace kms::host
