#include "Generator.hpp"

#include "FileWriter.hpp"
#include "IdlParser.hpp"
#include "IdlValidator.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace kmsidl {

std::vector<std::unique_ptr<Module>> loadModules(const GeneratorOptions& options,
                                                 Diagnostics& diagnostics) {
  std::vector<std::unique_ptr<Module>> modules;
  std::vector<std::string> paths{options.kmdPath};
  paths.insert(paths.end(), options.importPaths.begin(), options.importPaths.end());
  for (const auto& path : paths) {
    auto module = parseModuleFile(path, diagnostics);
    if (module) {
      modules.push_back(std::move(module));
    }
  }
  if (!diagnostics.ok() || !validateModules(modules, diagnostics)) {
    modules.clear();
  }
  return modules;
}

std::set<const RemoteClass*> servedClasses(const Module& module,
                                           const std::optional<std::string>& implDir) {
  std::set<const RemoteClass*> served;
  for (const auto& remoteClass : module.remoteClasses) {
    bool isServed = true;
    for (const RemoteClass* walk = &remoteClass; walk != nullptr && walk->module == &module;
         walk = walk->parent) {
      if (implDir &&
          !std::filesystem::exists(std::filesystem::path(*implDir) / (walk->name + "Impl.hpp"))) {
        isServed = false;
        break;
      }
    }
    if (isServed) {
      served.insert(&remoteClass);
    }
  }
  return served;
}

std::string generationTime(const GeneratorOptions& options) {
  time_t when = 0;
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    when = static_cast<time_t>(std::strtoll(epoch, nullptr, 10));
  } else {
    std::vector<std::string> paths{options.kmdPath};
    paths.insert(paths.end(), options.importPaths.begin(), options.importPaths.end());
    for (const auto& path : paths) {
      struct stat info {};
      if (::stat(path.c_str(), &info) == 0 && info.st_mtime > when) {
        when = info.st_mtime;
      }
    }
  }
  struct tm utc {};
  gmtime_r(&when, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

size_t generate(const GeneratorOptions& options, const Module& module) {
  EmitContext context(module, servedClasses(module, options.implDir));
  context.generationTime = generationTime(options);
  size_t written = 0;
  for (const auto& file : emitAll(context)) {
    const auto path = std::filesystem::path(options.outputDir) / file.name;
    if (writeIfChanged(path.string(), file.content) == WriteResult::kWritten) {
      ++written;
    }
  }
  return written;
}

}  // namespace kmsidl
