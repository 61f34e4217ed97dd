// kurento-module-creator: validates a module's IDL and generates from it the module's C++
// (docs/design/generated-code.md), its kurento-client JavaScript package (generated-js.md),
// a typed C++ client (generated-cpp-client.md) and its API reference (docs/api-reference.md);
// prints the IDL a built module carries; scaffolds new modules (docs/module-authors.md).
#include "CppClientEmitter.hpp"
#include "DocEmitter.hpp"
#include "Generator.hpp"
#include "JsEmitter.hpp"
#include "Scaffold.hpp"
#include "ShowKmd.hpp"

#include <boost/program_options.hpp>

#include <exception>
#include <iostream>

namespace po = boost::program_options;

namespace {

constexpr const char* kVersion = "7.3.0";
constexpr const char* kUsage =
    "Usage:\n"
    "  kurento-module-creator --check --kmd FILE [--import-kmd FILE ...]\n"
    "  kurento-module-creator (--generate-cpp [--impl-dir DIR] | --generate-js |\n"
    "      --generate-cpp-client | --generate-docs [--format markdown|html])\n"
    "      --kmd FILE [--import-kmd FILE ...] --output DIR\n"
    "  kurento-module-creator --show-kmd (libkms<name>.so | <name>) [--modules-path DIR[:DIR]]\n"
    "  kurento-module-creator --scaffold FOLDER CamelCaseClass snake_case_module [--opencv]\n";

int runScaffold(const std::vector<std::string>& words, bool opencv) {
  if (words.size() != 3) {
    std::cerr << "kurento-module-creator: --scaffold takes <folder> <CamelCaseClass> "
                 "<snake_case_module>, e.g. --scaffold . HelloFilter hello_filter\n";
    return 1;
  }
  const std::string project = kmsidl::scaffold({words[0], words[1], words[2], opencv});
  std::cout << "created " << project << "\nbuild it with:\n  cmake -S " << project << " -B "
            << project << "/build\n  cmake --build " << project << "/build\n";
  return 0;
}

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
      "output", po::value<std::string>(), "output folder of the --generate-* commands");
  options.add_options()("generate-js",
                        "generate the module's kurento-client JavaScript package into --output");
  options.add_options()("generate-cpp-client",
                        "generate the module's typed C++ client (<m>Client.hpp/.cpp) into --output");
  options.add_options()("generate-docs", "generate the module's API reference page into --output")(
      "format", po::value<std::string>()->default_value("markdown"),
      "--generate-docs page format: markdown (<m>.md) or html (<m>.html)");
  options.add_options()("show-kmd", po::value<std::string>(),
                        "print the IDL a built module carries (libkms<name>.so, or a module name)")(
      "modules-path", po::value<std::vector<std::string>>()->composing(),
      "--show-kmd: folders of module libraries (':'-separated, repeatable)");
  options.add_options()("scaffold", po::value<std::vector<std::string>>()->multitoken(),
                        "create a module project: --scaffold <folder> <CamelCaseClass> "
                        "<snake_case_module> [--opencv]")(
      "opencv", "with --scaffold: an OpenCV filter (process(cv::Mat&)) instead of a GStreamer one");
  po::variables_map args;
  po::store(po::parse_command_line(argc, argv, options), args);
  po::notify(args);

  if (args.count("help") != 0) {
    std::cout << kUsage << "\n" << options;
    return 0;
  }
  if (args.count("version") != 0) {
    std::cout << "kurento-module-creator " << kVersion << "\n";
    return 0;
  }
  if (args.count("scaffold") != 0) {
    return runScaffold(args["scaffold"].as<std::vector<std::string>>(), args.count("opencv") != 0);
  }
  if (args.count("show-kmd") != 0) {
    const auto modulesPath = args.count("modules-path") != 0
                                 ? args["modules-path"].as<std::vector<std::string>>()
                                 : std::vector<std::string>{};
    return kmsidl::showKmd(args["show-kmd"].as<std::string>(),
                           kmsidl::modulesSearchPath(modulesPath), std::cout, std::cerr);
  }
  const bool generate = args.count("generate-cpp") != 0;
  const bool check = args.count("check") != 0;
  const bool generateJs = args.count("generate-js") != 0;
  const bool generateClient = args.count("generate-cpp-client") != 0;
  const bool generateDocs = args.count("generate-docs") != 0;
  if (int{generate} + int{check} + int{generateJs} + int{generateClient} + int{generateDocs} != 1 ||
      args.count("kmd") == 0 ||
      ((generate || generateJs || generateClient || generateDocs) && args.count("output") == 0)) {
    std::cerr << "kurento-module-creator: give one command with its arguments\n" << kUsage;
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
  if (generateJs) {
    kmsidl::generateJs(*modules.front(), args["output"].as<std::string>());
  }
  if (generateClient) {
    kmsidl::generateCppClient(args["output"].as<std::string>(), *modules.front());
  }
  if (generateDocs) {
    const kmsidl::DocFormat format = kmsidl::docFormatFromName(args["format"].as<std::string>());
    if (format == kmsidl::DocFormat::kInvalid) {
      std::cerr << "kurento-module-creator: --format must be markdown or html, got '"
                << args["format"].as<std::string>() << "'\n";
      return 1;
    }
    kmsidl::generateDocs(*modules.front(), format, args["output"].as<std::string>());
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
