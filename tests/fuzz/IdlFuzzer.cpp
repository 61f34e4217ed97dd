// The IDL of kurento-module-creator (*.kmd.json): parser, validator (with core as an import
// when the input has imports) and, for a module that passes, the C++ emitters in memory. A
// mistake must become diagnostics, never a crash or an exception.
#include "CppEmitter.hpp"
#include "Generator.hpp"
#include "IdlParser.hpp"
#include "IdlValidator.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

#ifndef KMS_FUZZ_CORE_KMD
#error "KMS_FUZZ_CORE_KMD must name modules/core/core.kmd.json"
#endif

namespace {

const std::string& coreText() {
  static const std::string text = [] {
    std::ifstream file(KMS_FUZZ_CORE_KMD);
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }();
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  kmsidl::Diagnostics diagnostics;
  std::vector<std::unique_ptr<kmsidl::Module>> modules;
  try {
    std::unique_ptr<kmsidl::Module> module = kmsidl::parseModule(text, "fuzz.kmd.json", diagnostics);
    if (!module) {
      return 0;
    }
    modules.push_back(std::move(module));
    if (text.find("\"imports\"") != std::string::npos) {
      modules.push_back(kmsidl::parseModule(coreText(), "core.kmd.json", diagnostics));
      if (!modules.back()) {
        std::fprintf(stderr, "fuzz: cannot parse %s\n", KMS_FUZZ_CORE_KMD);
        std::abort();
      }
    }
    if (!kmsidl::validateModules(modules, diagnostics)) {
      return 0;
    }
    kmsidl::EmitContext context(*modules.front(),
                                kmsidl::servedClasses(*modules.front(), std::nullopt));
    for (const kmsidl::GeneratedFile& file : kmsidl::emitAll(context)) {
      if (file.name.empty() || file.name.find('/') != std::string::npos) {
        std::fprintf(stderr, "fuzz: generated file name '%s' is not a plain name\n",
                     file.name.c_str());
        std::abort();
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: the IDL tools threw instead of reporting: %s\n", e.what());
    std::abort();
  }
  return 0;
}
