#include "config/CommandLine.hpp"

#include "config/Environment.hpp"

#include <boost/program_options.hpp>

#include <sstream>

namespace kms::host {

namespace po = boost::program_options;

namespace {

constexpr char kDefaultConfFile[] = "/etc/kurento/kurento.conf.json";

po::options_description optionsDescription() {
  po::options_description options("Options");
  options.add_options()
      ("help,h", "Display this help message and exit")
      ("version,v", "Display the version and the loaded modules, then exit")
      ("list", "List the loaded modules and the types they can create, then exit")
      ("conf-file,f", po::value<std::string>()->value_name("FILE"),
       (std::string("Main configuration file (default: $KURENTO_CONF_FILE, else ") +
        kDefaultConfFile + ")").c_str())
      ("modules-config-path,c", po::value<std::string>()->value_name("DIR"),
       "Folder holding kurento/<Class>.conf.ini (default: $KURENTO_MODULES_CONFIG_PATH, "
       "else /etc/kurento/modules)")
      ("modules-path,p", po::value<std::vector<std::string>>()->composing()->value_name("DIRS"),
       "Folders of module .so files, ':'-separated and repeatable; searched before "
       "$KURENTO_MODULES_PATH and the installed modules folder")
      ("port", po::value<std::string>()->value_name("PORT"),
       "WebSocket port, overriding mediaServer.net.websocket.port")
      ("gst-debug-level,d", po::value<int>()->value_name("LEVEL"),
       "Default GStreamer debug level, 0 (none) to 9 (everything)");
  return options;
}

const char kGstHelp[] =
    "GStreamer options (handled by GStreamer itself):\n"
    "  --gst-debug=LIST            Per category levels, e.g. kms-rpc:5,kms-loader:6\n"
    "  --gst-debug-level=LEVEL     Default debug level (also -d)\n"
    "  --gst-debug-no-color        Log without colour codes\n"
    "  --gst-debug-color-mode=MODE on, off, disable, auto or unix\n"
    "  --gst-debug-disable         Disable debugging\n"
    "  --gst-debug-help            List the debug categories and exit\n"
    "  --gst-plugin-path=PATHS     Extra GStreamer plugin folders\n"
    "  (any other --gst-* option is passed to GStreamer)\n";

const char kPrecedenceHelp[] =
    "Settings, highest precedence first: command line, environment (KURENTO_CONF_FILE,\n"
    "KURENTO_MODULES_PATH, KURENTO_MODULES_CONFIG_PATH and the Docker KMS_* variables,\n"
    "e.g. KMS_MIN_PORT, KMS_STUN_IP), configuration files, built-in defaults.\n";

bool startsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

// Sorts the options Program_options did not know: --gst-* ones are kept, others are errors.
std::vector<std::string> gstLeftovers(const std::vector<std::string>& unknown) {
  std::vector<std::string> kept;
  bool valueMayFollow = false;
  for (const std::string& token : unknown) {
    if (startsWith(token, "--gst")) {
      kept.push_back(token);
      valueMayFollow = token.find('=') == std::string::npos;
    } else if (valueMayFollow && !startsWith(token, "-")) {
      kept.back() += " " + token;  // "--gst-foo value"
      valueMayFollow = false;
    } else if (startsWith(token, "-")) {
      throw CommandLineError("unrecognised option '" + token + "'");
    } else {
      throw CommandLineError("unexpected argument '" + token + "'");
    }
  }
  return kept;
}

uint16_t parsePort(const std::string& text) {
  try {
    size_t used = 0;
    const long value = std::stol(text, &used);
    if (used == text.size() && value >= 1 && value <= 65535) {
      return static_cast<uint16_t>(value);
    }
  } catch (const std::logic_error&) {
    // reported below
  }
  throw CommandLineError("--port: '" + text + "' is not a port number in [1, 65535]");
}

}  // namespace

CommandLine parseCommandLine(int argc, const char* const* argv) {
  const po::options_description options = optionsDescription();
  po::variables_map values;
  std::vector<std::string> unknown;
  try {
    po::parsed_options parsed = po::command_line_parser(argc, argv)
                                    .options(options)
                                    .style(po::command_line_style::default_style &
                                           ~po::command_line_style::allow_guessing)
                                    .allow_unregistered()
                                    .run();
    unknown = po::collect_unrecognized(parsed.options, po::include_positional);
    po::store(parsed, values);
    po::notify(values);
  } catch (const po::error& error) {
    throw CommandLineError(error.what());
  }
  CommandLine result;
  result.ignoredGstOptions = gstLeftovers(unknown);
  result.help = values.count("help") != 0;
  result.version = values.count("version") != 0;
  result.list = values.count("list") != 0;
  if (values.count("conf-file") != 0) {
    result.confFile = values["conf-file"].as<std::string>();
  }
  if (values.count("modules-config-path") != 0) {
    result.modulesConfigPath = values["modules-config-path"].as<std::string>();
  }
  if (values.count("modules-path") != 0) {
    for (const std::string& entry : values["modules-path"].as<std::vector<std::string>>()) {
      for (std::string& folder : splitPathList(entry)) {
        result.modulesPaths.push_back(std::move(folder));
      }
    }
  }
  if (values.count("port") != 0) {
    result.port = parsePort(values["port"].as<std::string>());
  }
  if (values.count("gst-debug-level") != 0) {
    const int level = values["gst-debug-level"].as<int>();
    if (level < 0 || level > 9) {
      throw CommandLineError("--gst-debug-level: " + std::to_string(level) + " is outside [0, 9]");
    }
    result.gstDebugLevel = level;
  }
  return result;
}

std::string commandLineHelp(const std::string& programName) {
  std::ostringstream text;
  text << "Usage: " << programName << " [OPTION]...\n"
       << "Kurento-compatible media server.\n\n"
       << optionsDescription() << "\n"
       << kGstHelp << "\n"
       << kPrecedenceHelp;
  return text.str();
}

}  // namespace kms::host
