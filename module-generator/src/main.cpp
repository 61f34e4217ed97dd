// kurento-module-creator: validates a module's IDL and generates its C++ (see
// docs/design/generated-code.md).
#include "Generator.hpp"

#include <boost/program_options.hpp>

#include <exception>
#include <iostream>

namespace po = boost::program_options;

namespace {

constexpr const char* kVersion = "7.3.0";

int run(int argc, char** argv) {
  po::options_description options("kurento-module-creator options");
  options.add_options()("help,h", "show this help")("version", "show the version")(
      "generate-cpp", "generate the C++ of the module into --output")(
      "check", "validate the IDL only")("kmd", po::value<std::string>(),
                                        "the module's IDL file (*.kmd.json)")(
      "import-kmd", po::value<std::vector<std::string>>()->composing(),
      "the IDL file of an imported module (repeatable)")(
      "impl-dir", po::value<std::string>(),
      "folder of the hand-written <Class>Impl.hpp files; classes without one get no code")(
      "output", po::value<std::string>(), "output folder for --generate-cpp");
  po::variables_map args;
  po::store(po::parse_command_line(argc, argv, options), args);
  po::notify(args);

  if (args.count("help") != 0) {
    std::cout << "Usage: kurento-module-creator (--generate-cpp --output DIR | --check) "
                 "--kmd FILE [--import-kmd FILE ...] [--impl-dir DIR]\n\n"
              << options;
    return 0;
  }
  if (args.count("version") != 0) {
    std::cout << "kurento-module-creator " << kVersion << "\n";
    return 0;
  }
  const bool generate = args.count("generate-cpp") != 0;
  const bool check = args.count("check") != 0;
  if (generate == check || args.count("kmd") == 0 || (generate && args.count("output") == 0)) {
    std::cerr << "kurento-module-creator: give --check or --generate-cpp --output DIR, and "
                 "--kmd FILE (see --help)\n";
    return 1;
  }

  kmsidl::GeneratorOptions generatorOptions;
  generatorOptions.kmdPath = args["kmd"].as<std::string>();
  if (args.count("import-kmd") != 0) {
    generatorOptions.importPaths = args["import-kmd"].as<std::vector<std::string>>();
  }
  if (args.count("impl-dir") != 0) {
    generatorOptions.implDir = args["impl-dir"].as<std::string>();
  }
  if (generate) {
    generatorOptions.outputDir = args["output"].as<std::string>();
  }

  kmsidl::Diagnostics diagnostics;
  auto modules = kmsidl::loadModules(generatorOptions, diagnostics);
  if (!diagnostics.ok()) {
    for (const auto& message : diagnostics.messages()) {
      std::cerr << message << "\n";
    }
    return 1;
  }
  if (generate) {
    kmsidl::generate(generatorOptions, *modules.front());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "kurento-module-creator: " << error.what() << "\n";
    return 1;
  }
}
