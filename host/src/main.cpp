// kurento-media-server: reads the configuration, loads the modules and serves the Kurento
// protocol until SIGTERM/SIGINT.
#include "config/CommandLine.hpp"
#include "config/ConfigLoader.hpp"
#include "loader/ModuleLoader.hpp"
#include "server/Server.hpp"

#include <kms/sdk/Config.hpp>
#include <kms/sdk/Gst.hpp>

#include <gst/gst.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>

#include <unistd.h>

namespace {

constexpr char kProgramName[] = "kurento-media-server";

GstDebugCategory* mainCategory() {
  static GstDebugCategory* const category =
      kms::debugCategory("kms-main", "Start-up of kurento-media-server");
  return category;
}
#define GST_CAT_DEFAULT mainCategory()

// True when the user chose the default debug level (GST_DEBUG, --gst-debug-level or
// --gst-debug-disable); otherwise warnings and errors are shown, as Kurento does.
bool userChoseDebugLevel(int argc, char** argv) {
  const char* environment = std::getenv("GST_DEBUG");
  if (environment != nullptr && environment[0] != '\0') {
    return true;
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--gst-debug-level", 17) == 0 ||
        std::strcmp(argv[i], "--gst-debug-disable") == 0) {
      return true;
    }
  }
  return false;
}

void printModules(const std::vector<kms::host::LoadedModule>& modules,
                  const std::vector<std::string>& refusals, bool withTypes) {
  std::cout << "Kurento Media Server version " << KMS_VERSION << "\n";
  std::cout << "Found modules:\n";
  for (const kms::host::LoadedModule& module : modules) {
    const kms::ModuleDescriptor& descriptor = *module.descriptor;
    std::cout << "  " << descriptor.name << " " << descriptor.version << " " << module.path
              << "\n";
    for (size_t i = 0; withTypes && i < descriptor.factoryCount; ++i) {
      std::cout << "    " << descriptor.factories[i].qualifiedTypeName << "\n";
    }
  }
  if (!refusals.empty()) {
    std::cout << "Refused modules:\n";
    for (const std::string& line : refusals) {
      std::cout << "  " << line << "\n";
    }
  }
}

int run(int argc, char** argv) {
  const kms::host::CommandLine commandLine =
      kms::host::parseCommandLine(argc, const_cast<const char* const*>(argv));
  if (commandLine.help) {
    std::cout << kms::host::commandLineHelp(kProgramName);
    return EXIT_SUCCESS;
  }
  if (commandLine.gstDebugLevel) {
    gst_debug_set_default_threshold(static_cast<GstDebugLevel>(*commandLine.gstDebugLevel));
  }
  for (const std::string& option : commandLine.ignoredGstOptions) {
    GST_CAT_WARNING(GST_CAT_DEFAULT, "GStreamer does not know option %s; ignored", option.c_str());
  }
  const kms::host::Environment environment = kms::host::processEnvironment();
  kms::host::ModuleLoader loader;
  if (commandLine.version || commandLine.list) {
    auto modules = loader.loadAll(
        kms::host::modulesSearchPath(commandLine, environment, KMS_DEFAULT_MODULES_DIR));
    printModules(modules, loader.refusals(), commandLine.list);
    return EXIT_SUCCESS;
  }

  kms::host::ServerConfig config =
      kms::host::loadServerConfig(commandLine, environment, KMS_DEFAULT_MODULES_DIR);
  std::vector<kms::host::LoadedModule> modules = loader.loadAll(config.modulesPaths);
  if (modules.empty()) {
    std::string folders;
    for (const std::string& folder : config.modulesPaths) {
      folders += (folders.empty() ? "" : ", ") + folder;
    }
    GST_CAT_WARNING(GST_CAT_DEFAULT, "No modules loaded from %s; use --modules-path DIR",
                    folders.c_str());
  }
  kms::host::Server server(config, std::move(modules));
  return server.run();
}

// GLib 2.74's slice allocator (GstBuffer, GstMemory, events, lists...) keeps magazines of freed
// chunks per thread, and a WebRtcEndpoint runs eight threads: ~0.3 MB of RSS per viewer of a
// fan-out went to those caches (fanout-bench, docs/elements/webrtc-endpoint.md). The system
// allocator serves them instead, as GLib 2.76 does anyway. GLib reads G_SLICE once, when a
// library's constructor first allocates (before main): the server starts itself again with it
// set. A G_SLICE the user set is kept; if the new start fails, the server goes on as it is.
void sliceAllocationsFromMalloc(char** argv) {
  if (std::getenv("G_SLICE") != nullptr) {
    return;
  }
  ::setenv("G_SLICE", "always-malloc", 1);
  ::execv("/proc/self/exe", argv);
}

}  // namespace

int main(int argc, char** argv) {
  sliceAllocationsFromMalloc(argv);
  const bool debugLevelChosen = userChoseDebugLevel(argc, argv);
  // GStreamer takes (and removes from argv) the --gst-* options it knows.
  gst_init(&argc, &argv);
  if (!debugLevelChosen && gst_debug_get_default_threshold() == GST_LEVEL_NONE) {
    gst_debug_set_default_threshold(GST_LEVEL_WARNING);
  }
  try {
    return run(argc, argv);
  } catch (const kms::host::CommandLineError& error) {
    std::cerr << kProgramName << ": " << error.what() << "\n"
              << "Try '" << kProgramName << " --help' for the options.\n";
    return EXIT_FAILURE;
  } catch (const std::exception& error) {
    std::cerr << kProgramName << ": " << error.what() << "\n";
    return EXIT_FAILURE;
  }
}
