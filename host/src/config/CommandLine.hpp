// Kurento's command line (Boost.Program_options), after GStreamer took its --gst-* options.
#pragma once

#include <kms/sdk/Config.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kms::host {

// A usage mistake on the command line (main adds "Try --help").
class CommandLineError : public kms::ConfigError {
 public:
  using kms::ConfigError::ConfigError;
};

struct CommandLine {
  bool help = false;     // -h, --help
  bool version = false;  // -v, --version: version and loaded modules
  bool list = false;     // --list: loaded modules and their creatable types
  std::optional<std::string> confFile;           // -f, --conf-file
  std::optional<std::string> modulesConfigPath;  // -c, --modules-config-path
  std::vector<std::string> modulesPaths;         // -p, --modules-path (repeatable, ':' lists)
  std::optional<uint16_t> port;                  // --port: overrides the WebSocket port
  std::optional<int> gstDebugLevel;              // -d, --gst-debug-level (0..9)
  // --gst-* options that GStreamer did not consume (unknown to it); accepted and ignored.
  std::vector<std::string> ignoredGstOptions;
};

// Parses the arguments left after gst_init(&argc, &argv), which removes the --gst-* options it
// knows (--gst-debug=..., --gst-debug-no-color, ...). Any other leftover --gst-* option is
// accepted (with its separate value, if any) and reported in ignoredGstOptions.
// Throws CommandLineError for an unknown option, a missing or malformed value, or a stray argument.
CommandLine parseCommandLine(int argc, const char* const* argv);

// The --help text.
std::string commandLineHelp(const std::string& programName);

}  // namespace kms::host
