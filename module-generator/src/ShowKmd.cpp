// Reads a module library's descriptor through dlopen/dlsym only: the SDK header gives the
// descriptor's layout and ABI version, the generator does not link libkmssdk. The ELF check is
// the server's own (host/src/loader/ElfCheck.cpp is compiled into this tool), so a file the
// server would refuse is refused here for the same reason.
#include "ShowKmd.hpp"

#include "loader/ElfCheck.hpp"

#include <kms/sdk/Module.hpp>

#include <dlfcn.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <ostream>
#include <system_error>

#ifndef KMS_DEFAULT_MODULES_DIR
#define KMS_DEFAULT_MODULES_DIR ""
#endif

namespace kmsidl {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> splitList(const std::string& value) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(':', start);
    end = end == std::string::npos ? value.size() : end;
    if (end > start) {
      parts.push_back(value.substr(start, end - start));
    }
    start = end + 1;
  }
  return parts;
}

bool looksLikePath(const std::string& module) {
  return module.find('/') != std::string::npos ||
         (module.size() > 3 && module.compare(module.size() - 3, 3, ".so") == 0);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

// The library file of `module`; empty with `error` set when there is none.
std::string locate(const std::string& module, const std::vector<std::string>& folders,
                   std::string& error) {
  std::error_code ignored;
  if (looksLikePath(module)) {
    if (!fs::exists(module, ignored)) {
      error = module + ": no such file";
      return "";
    }
    return module;
  }
  const std::string fileName = "libkms" + module + ".so";
  for (const std::string& folder : folders) {
    const fs::path candidate = fs::path(folder) / fileName;
    if (fs::is_regular_file(candidate, ignored)) {
      return candidate.string();
    }
  }
  error = "module '" + module + "': no " + fileName + " in " +
          (folders.empty() ? "any folder (give --modules-path DIR or the library's path)"
                           : joined(folders));
  return "";
}

// The descriptor of the library at `path`, checked; null with `error` set otherwise.
// The library stays loaded (the descriptor's strings live in it).
const kms::ModuleDescriptor* loadDescriptor(const std::string& path, std::string& error) {
  const kms::host::ElfReport elf = kms::host::inspectElf(path);
  if (!elf.ok()) {
    error = kms::host::describeElfProblem(elf);
    return nullptr;
  }
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = dlerror();
    error = std::string("the dynamic loader cannot load it (") + (reason ? reason : "unknown") +
            "). Check its dependencies with `ldd " + path + "`.";
    return nullptr;
  }
  void* symbol = dlsym(library, KMS_MODULE_ENTRY_SYMBOL);
  Dl_info where{};
  std::error_code ignored;
  if (symbol == nullptr || dladdr(symbol, &where) == 0 || where.dli_fname == nullptr ||
      !fs::equivalent(where.dli_fname, path, ignored)) {
    error = "it has no " KMS_MODULE_ENTRY_SYMBOL
            "() symbol, so it is not a Kurento module library (generate modules with "
            "kurento-module-creator --generate-cpp, or build them with kms_add_module)";
    return nullptr;
  }
  const kms::ModuleDescriptor* descriptor = nullptr;
  try {
    descriptor = reinterpret_cast<KmsModuleEntryFunction>(symbol)();
  } catch (const std::exception& exception) {
    error = std::string(KMS_MODULE_ENTRY_SYMBOL "() threw: ") + exception.what();
    return nullptr;
  }
  if (descriptor == nullptr) {
    error = KMS_MODULE_ENTRY_SYMBOL "() returned null";
    return nullptr;
  }
  if (descriptor->abiVersion != KMS_MODULE_ABI_VERSION) {
    error = "built for module ABI " + std::to_string(descriptor->abiVersion) +
            ", this kurento-module-creator reads ABI " + std::to_string(KMS_MODULE_ABI_VERSION) +
            ". Rebuild it against the kurento SDK (kms-sdk) of this version.";
    return nullptr;
  }
  if (descriptor->kmdJson == nullptr) {
    error = "its module descriptor has no IDL text";
    return nullptr;
  }
  return descriptor;
}

}  // namespace

std::vector<std::string> modulesSearchPath(const std::vector<std::string>& modulesPathOptions) {
  std::vector<std::string> folders;
  for (const std::string& option : modulesPathOptions) {
    for (std::string& folder : splitList(option)) {
      folders.push_back(std::move(folder));
    }
  }
  if (const char* fromEnvironment = std::getenv("KURENTO_MODULES_PATH")) {
    for (std::string& folder : splitList(fromEnvironment)) {
      folders.push_back(std::move(folder));
    }
  }
  if (std::string(KMS_DEFAULT_MODULES_DIR).size() > 0) {
    folders.emplace_back(KMS_DEFAULT_MODULES_DIR);
  }
  return folders;
}

int showKmd(const std::string& module, const std::vector<std::string>& folders, std::ostream& out,
            std::ostream& err) {
  std::string error;
  const std::string path = locate(module, folders, error);
  const kms::ModuleDescriptor* descriptor = path.empty() ? nullptr : loadDescriptor(path, error);
  if (descriptor == nullptr) {
    err << "kurento-module-creator: " << (path.empty() ? "" : path + ": ") << error << "\n";
    return 1;
  }
  out << descriptor->kmdJson;
  out.flush();
  return 0;
}

}  // namespace kmsidl
