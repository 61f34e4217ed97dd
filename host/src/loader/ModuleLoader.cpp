#include "loader/ModuleLoader.hpp"

#include "loader/ElfCheck.hpp"

#include <kms/sdk/Gst.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <system_error>

namespace kms::host {

namespace {

GstDebugCategory* loaderCategory() {
  static GstDebugCategory* const category =
      kms::debugCategory("kms-loader", "Finding, checking and loading module libraries");
  return category;
}
#define GST_CAT_DEFAULT loaderCategory()

namespace fs = std::filesystem;

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The regular files named *.so (lib*.so included) directly inside `folder`, sorted by name.
std::vector<fs::path> candidatesIn(const std::string& folder) {
  std::vector<fs::path> files;
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    GST_CAT_INFO(GST_CAT_DEFAULT, "Modules folder %s does not exist or is not a folder",
                 folder.c_str());
    return files;
  }
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const fs::path& path = it->path();
    std::error_code statError;
    if (endsWith(path.filename().string(), ".so") && fs::is_regular_file(path, statError)) {
      files.push_back(path);
    }
  }
  if (error) {
    GST_CAT_WARNING(GST_CAT_DEFAULT, "Cannot list modules folder %s: %s", folder.c_str(),
                    error.message().c_str());
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return files;
}

// Why a descriptor that passed the ABI check cannot be used; empty when it can.
std::string descriptorDefect(const ModuleDescriptor& descriptor) {
  if (descriptor.name == nullptr || descriptor.name[0] == '\0') {
    return "it has no module name";
  }
  if (descriptor.version == nullptr || descriptor.kmdJson == nullptr) {
    return "it has no version or no IDL text";
  }
  if (descriptor.factoryCount > 0 && descriptor.factories == nullptr) {
    return "it declares factories but their table is null";
  }
  for (size_t i = 0; i < descriptor.factoryCount; ++i) {
    const FactoryEntry& factory = descriptor.factories[i];
    if (factory.typeName == nullptr || factory.qualifiedTypeName == nullptr ||
        factory.create == nullptr) {
      return "factory #" + std::to_string(i) + " has a null name or function";
    }
  }
  return "";
}

}  // namespace

class ModuleLoader::Session {
 public:
  explicit Session(std::vector<std::string>& refusals) : refusals_(refusals) {}

  void visit(const fs::path& file);
  std::vector<LoadedModule> take() { return std::move(loaded_); }

 private:
  void refuse(const std::string& path, const std::string& reason);
  std::optional<boost::dll::shared_library> open(const std::string& path);
  const ModuleDescriptor* descriptorOf(const boost::dll::shared_library& library,
                                       const std::string& path);
  std::string conflictOf(const ModuleDescriptor& descriptor) const;

  std::vector<std::string>& refusals_;
  std::vector<LoadedModule> loaded_;
  std::set<std::string> visited_;  // canonical paths, so a folder listed twice is read once
};

void ModuleLoader::Session::refuse(const std::string& path, const std::string& reason) {
  std::string line = "Refusing module " + path + ": " + reason;
  GST_CAT_ERROR(GST_CAT_DEFAULT, "%s", line.c_str());
  refusals_.push_back(std::move(line));
}

std::optional<boost::dll::shared_library> ModuleLoader::Session::open(const std::string& path) {
  try {
    return boost::dll::shared_library(path, boost::dll::load_mode::rtld_now |
                                                boost::dll::load_mode::rtld_local);
  } catch (const std::exception& error) {
    refuse(path, std::string("the dynamic loader cannot load it (") + error.what() +
                     "). Check its dependencies with `ldd " + path +
                     "` and that it was built against this server's SDK.");
    return std::nullopt;
  }
}

// The module's descriptor after the ABI check; null (with a refusal or a DEBUG line) otherwise.
const ModuleDescriptor* ModuleLoader::Session::descriptorOf(
    const boost::dll::shared_library& library, const std::string& path) {
  if (!library.has(KMS_MODULE_ENTRY_SYMBOL)) {
    GST_CAT_INFO(GST_CAT_DEFAULT, "Skipping %s: no %s symbol, so it is a plain library",
                 path.c_str(), KMS_MODULE_ENTRY_SYMBOL);
    return nullptr;
  }
  const ModuleDescriptor* descriptor = nullptr;
  try {
    descriptor = library.get<const ModuleDescriptor*()>(KMS_MODULE_ENTRY_SYMBOL)();
  } catch (const std::exception& error) {
    refuse(path, std::string(KMS_MODULE_ENTRY_SYMBOL "() threw: ") + error.what() +
                     ". Fix the module's initialisation.");
    return nullptr;
  }
  if (descriptor == nullptr) {
    refuse(path, KMS_MODULE_ENTRY_SYMBOL
           "() returned null. Regenerate the module with this server's kurento-module-creator.");
    return nullptr;
  }
  if (descriptor->abiVersion != KMS_MODULE_ABI_VERSION) {
    refuse(path, "built for module ABI " + std::to_string(descriptor->abiVersion) +
                     ", this server needs ABI " + std::to_string(KMS_MODULE_ABI_VERSION) +
                     ". Rebuild it against the installed kurento SDK (kms-sdk) of this server "
                     "version.");
    return nullptr;
  }
  std::string defect = descriptorDefect(*descriptor);
  if (!defect.empty()) {
    refuse(path, "its module descriptor is invalid: " + defect +
                     ". Regenerate the module with this server's kurento-module-creator.");
    return nullptr;
  }
  return descriptor;
}

// Why `descriptor` clashes with an accepted module (or with itself); empty when it does not.
std::string ModuleLoader::Session::conflictOf(const ModuleDescriptor& descriptor) const {
  const std::string name = descriptor.name;
  std::set<std::string> ownTypes;
  for (const LoadedModule& other : loaded_) {
    if (name == other.descriptor->name) {
      return "module '" + name + "' is already loaded from " + other.path +
             ". Remove one of the two files from the modules path.";
    }
  }
  for (size_t i = 0; i < descriptor.factoryCount; ++i) {
    const FactoryEntry& factory = descriptor.factories[i];
    for (const std::string type : {factory.typeName, factory.qualifiedTypeName}) {
      if (!ownTypes.insert(type).second) {
        return "it defines type '" + type + "' twice. Fix its IDL and regenerate it.";
      }
    }
    for (const LoadedModule& other : loaded_) {
      for (size_t j = 0; j < other.descriptor->factoryCount; ++j) {
        const FactoryEntry& existing = other.descriptor->factories[j];
        if (std::string(factory.typeName) == existing.typeName ||
            std::string(factory.qualifiedTypeName) == existing.qualifiedTypeName) {
          return "its type '" + std::string(factory.qualifiedTypeName) +
                 "' is already defined by module '" + other.descriptor->name + "' (" +
                 other.path + "). Rename the class in one of the modules or remove one of "
                 "them from the modules path.";
        }
      }
    }
  }
  return "";
}

void ModuleLoader::Session::visit(const fs::path& file) {
  const std::string path = file.string();
  std::error_code error;
  const std::string canonical = fs::canonical(file, error).string();
  if (!visited_.insert(error ? path : canonical).second) {
    GST_CAT_DEBUG(GST_CAT_DEFAULT, "Skipping %s: already visited", path.c_str());
    return;
  }
  const ElfReport elf = inspectElf(path);
  if (!elf.ok()) {
    refuse(path, describeElfProblem(elf));
    return;
  }
  std::optional<boost::dll::shared_library> library = open(path);
  if (!library) {
    return;
  }
  const ModuleDescriptor* descriptor = descriptorOf(*library, path);
  if (descriptor == nullptr) {
    return;
  }
  const std::string conflict = conflictOf(*descriptor);
  if (!conflict.empty()) {
    refuse(path, conflict);
    return;
  }
  GST_CAT_INFO(GST_CAT_DEFAULT, "Loaded module '%s' %s from %s (%zu creatable types)",
               descriptor->name, descriptor->version, path.c_str(), descriptor->factoryCount);
  loaded_.push_back(LoadedModule{descriptor, path, std::move(*library)});
}

std::vector<LoadedModule> ModuleLoader::loadAll(const std::vector<std::string>& folders) {
  refusals_.clear();
  Session session(refusals_);
  for (const std::string& folder : folders) {
    GST_CAT_DEBUG(GST_CAT_DEFAULT, "Looking for modules in %s", folder.c_str());
    for (const fs::path& file : candidatesIn(folder)) {
      session.visit(file);
    }
  }
  return session.take();
}

}  // namespace kms::host
