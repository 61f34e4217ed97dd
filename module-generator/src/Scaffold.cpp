#include "Scaffold.hpp"

#include "FileWriter.hpp"
#include "ScaffoldTemplates.hpp"

#include <ctime>
#include <filesystem>
#include <regex>
#include <stdexcept>

namespace kmsidl {

namespace {

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

struct Words {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string fill(std::string text) const {
    for (const auto& [from, to] : pairs) {
      text = replaceAll(std::move(text), from, to);
    }
    return text;
  }
};

// The time of the scaffold in a Debian changelog's format, and its year.
std::string utcTime(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[64];
  return std::string(text, std::strftime(text, sizeof text, format, &utc));
}

Words wordsFor(const ScaffoldOptions& options) {
  const bool cv = options.opencv;
  std::string package = options.moduleName;  // Debian package names have no '_'
  for (char& c : package) {
    c = c == '_' ? '-' : c;
  }
  const std::string importLine =
      R"(
    { "name": "core", "version": "^7.0.0" })";
  const std::string cvImports = importLine + R"(,
    { "name": "elements", "version": "^7.0.0" },
    { "name": "filters", "version": "^7.0.0" })";
  return Words{{
      {"@settings@", templates::kSettingsCpp},  // first: they hold @Class@ and @module@
      {"@accessors@", templates::kAccessorsCpp},
      {"@Class@", options.className},
      {"@module@", options.moduleName},
      {"@package@", package},
      {"@moduleDepends@", cv ? "kms-filters" : "kms-core"},
      {"@date@", utcTime("%a, %d %b %Y %H:%M:%S +0000")},
      {"@year@", utcTime("%Y")},
      {"@base@", cv ? "OpenCVFilter" : "Filter"},
      {"@kind@", cv ? "an OpenCV filter: process() gets every frame as a cv::Mat"
                    : "a GStreamer filter that counts video frames"},
      {"@doc@", cv ? "Draws a frame around the picture and reports its brightness."
                   : "Counts the video frames that pass through it."},
      {"@imports@", cv ? "\n  ${KMS_SDK_KMD_DIR}/core.kmd.json\n  ${KMS_SDK_KMD_DIR}/elements.kmd.json"
                         "\n  ${KMS_SDK_KMD_DIR}/filters.kmd.json"
                       : " ${KMS_SDK_KMD_DIR}/core.kmd.json"},
      {"@depends@", cv ? "Kms::filters" : "Kms::core"},
      {"@kmdImports@", cv ? cvImports : importLine},
      {"@eventExtra@",
       cv ? ",\n        { \"name\": \"brightness\", \"type\": \"double\", \"doc\": \"mean of the "
            "last frame's blue channel (0-255)\" }"
          : ""},
      {"@testExtra@",
       cv ? "\n    assert.ok(event.brightness > 0 && event.brightness < 255, JSON.stringify(event));"
          : ""},
  }};
}

void check(const std::string& value, const char* pattern, const std::string& what) {
  if (!std::regex_match(value, std::regex(pattern))) {
    throw std::invalid_argument(what + " '" + value + "' must match " + pattern);
  }
}

}  // namespace

std::string scaffold(const ScaffoldOptions& options) {
  namespace fs = std::filesystem;
  check(options.className, "[A-Z][A-Za-z0-9]*", "the class name (CamelCase)");
  check(options.moduleName, "[a-z][a-z0-9_]*", "the module name (snake_case)");
  if (options.moduleName == "core" || options.moduleName == "elements" ||
      options.moduleName == "filters" || options.moduleName == "kurento") {
    throw std::invalid_argument("the module name '" + options.moduleName +
                                "' is taken by the server's own modules");
  }
  if (!fs::is_directory(options.parentDir)) {
    throw std::invalid_argument("the folder '" + options.parentDir + "' does not exist");
  }
  const fs::path project = fs::path(options.parentDir) / options.moduleName;
  if (fs::exists(project)) {
    throw std::invalid_argument("'" + project.string() + "' exists already; not touching it");
  }
  const Words words = wordsFor(options);
  const std::string& name = options.moduleName;
  const std::string& cls = options.className;
  const auto write = [&](const std::string& relative, const char* text) {
    writeIfChanged((project / relative).string(), words.fill(text));
  };
  write("CMakeLists.txt", templates::kCMakeLists);
  write(name + ".kmd.json", templates::kKmd);
  write("src/" + cls + "Impl.hpp", options.opencv ? templates::kOpenCvImplHpp : templates::kImplHpp);
  write("src/" + cls + "Impl.cpp", options.opencv ? templates::kOpenCvImplCpp : templates::kImplCpp);
  write("tests/" + name + ".test.js", templates::kTestJs);
  write("README.md", templates::kReadme);
  write("debian/control", templates::kDebianControl);
  write("debian/rules", templates::kDebianRules);
  write("debian/changelog", templates::kDebianChangelog);
  write("debian/copyright", templates::kDebianCopyright);
  write("debian/source/format", templates::kDebianSourceFormat);
  fs::permissions(project / "debian/rules", fs::perms::owner_exec | fs::perms::group_exec |
                                                fs::perms::others_exec,
                  fs::perm_options::add);
  return project.string();
}

}  // namespace kmsidl
