// The real kurento-module-creator binary: --show-kmd on built libraries (the core module, a
// junk file, a missing file, a library without a descriptor, a wrong ABI) and --generate-docs
// on the project's elements IDL. Paths come from CMake (tests/generator/CMakeLists.txt).
#include <kms/sdk/Module.hpp>

#include <rapidjson/document.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ToolRun {
  int exitCode = -1;
  std::string out;
  std::string err;
};

class GeneratorToolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/kms-generator-tool-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    folder_ = pattern;
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }

  // Runs the creator with `args` (already shell-quoted where needed).
  static ToolRun creator(const std::string& args) {
    const fs::path out = folder_ / "stdout";
    const fs::path err = folder_ / "stderr";
    const std::string command = "env -u KURENTO_MODULES_PATH '" CREATOR_PATH "' " + args + " >'" +
                                out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(command.c_str());
    ToolRun run;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = readFile(out);
    run.err = readFile(err);
    return run;
  }

  static fs::path folder_;
};

fs::path GeneratorToolTest::folder_;

TEST_F(GeneratorToolTest, ShowKmdOfTheCoreModulePrintsItsIdlExactly) {
  const ToolRun run = creator("--show-kmd '" CORE_MODULE_PATH "'");
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.exitCode, 0);
  EXPECT_EQ(run.out, readFile(CORE_KMD_PATH));
}

TEST_F(GeneratorToolTest, ShowKmdFindsAModuleByNameInTheModulesPath) {
  const std::string folder = fs::path(CORE_MODULE_PATH).parent_path().string();
  const ToolRun run = creator("--show-kmd core --modules-path /nonexistent:'" + folder + "'");
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.exitCode, 0);
  EXPECT_EQ(run.out, readFile(CORE_KMD_PATH));
}

TEST_F(GeneratorToolTest, ShowKmdOfAnUnknownModuleNameFails) {
  const ToolRun run = creator("--show-kmd nope --modules-path /nonexistent");
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_THAT(run.err, StartsWith("kurento-module-creator: module 'nope': no libkmsnope.so in "
                                  "/nonexistent"));
  EXPECT_EQ(run.out, "");
}

TEST_F(GeneratorToolTest, ShowKmdOfAJunkFileFails) {
  const fs::path junk = folder_ / "libkmsjunk.so";
  std::ofstream(junk) << "this is not a library\n";
  const ToolRun run = creator("--show-kmd '" + junk.string() + "'");
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_EQ(run.err, "kurento-module-creator: " + junk.string() +
                         ": it is not an ELF shared library (it does not start with the ELF "
                         "magic bytes). Remove it from the modules folder or replace it with the "
                         "built module.\n");
  EXPECT_EQ(run.out, "");
}

TEST_F(GeneratorToolTest, ShowKmdOfAMissingFileFails) {
  const std::string missing = (folder_ / "libkmsmissing.so").string();
  const ToolRun run = creator("--show-kmd '" + missing + "'");
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_EQ(run.err, "kurento-module-creator: " + missing + ": no such file\n");
}

TEST_F(GeneratorToolTest, ShowKmdOfALibraryWithoutDescriptorFails) {
  const ToolRun run = creator("--show-kmd '" PLAIN_LIBRARY_PATH "'");
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_EQ(run.err, "kurento-module-creator: " PLAIN_LIBRARY_PATH
                     ": it has no kms_module_descriptor() symbol, so it is not a Kurento module "
                     "library (generate modules with kurento-module-creator --generate-cpp, or "
                     "build them with kms_add_module)\n");
}

TEST_F(GeneratorToolTest, ShowKmdOfAWrongAbiFails) {
  const ToolRun run = creator("--show-kmd '" WRONG_ABI_MODULE_PATH "'");
  EXPECT_EQ(run.exitCode, 1);
  const std::string abi = std::to_string(KMS_MODULE_ABI_VERSION);
  EXPECT_EQ(run.err, "kurento-module-creator: " WRONG_ABI_MODULE_PATH ": built for module ABI " +
                         std::to_string(KMS_MODULE_ABI_VERSION + 1) +
                         ", this kurento-module-creator reads ABI " + abi +
                         ". Rebuild it against the kurento SDK (kms-sdk) of this version.\n");
}

TEST_F(GeneratorToolTest, GenerateDocsOfElementsMentionsEveryClass) {
  const fs::path out = folder_ / "docs";
  for (const char* format : {"markdown", "html"}) {
    const ToolRun run =
        creator(std::string("--generate-docs --format ") + format +
                " --kmd '" ELEMENTS_KMD_PATH "' --import-kmd '" CORE_KMD_PATH "' --output '" +
                out.string() + "'");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.err, "");
  }
  const std::string md = readFile(out / "elements.md");
  const std::string html = readFile(out / "elements.html");
  rapidjson::Document idl;
  idl.Parse(readFile(ELEMENTS_KMD_PATH).c_str());
  ASSERT_TRUE(idl.IsObject());
  ASSERT_GT(idl["remoteClasses"].Size(), 0u);
  for (const auto& remoteClass : idl["remoteClasses"].GetArray()) {
    const std::string name = remoteClass["name"].GetString();
    EXPECT_THAT(md, HasSubstr("### <a id=\"class-" + name + "\"></a>" + name + "\n")) << name;
    EXPECT_THAT(html, HasSubstr("<h3 id=\"class-" + name + "\">" + name + "</h3>")) << name;
  }
  EXPECT_THAT(md, HasSubstr("(core.md#class-MediaElement)"));
  EXPECT_THAT(html, HasSubstr("href=\"core.html#class-MediaElement\""));
}

TEST_F(GeneratorToolTest, GenerateDocsRejectsAnUnknownFormat) {
  const ToolRun run = creator("--generate-docs --format pdf --kmd '" CORE_KMD_PATH "' --output '" +
                              (folder_ / "pdf").string() + "'");
  EXPECT_EQ(run.exitCode, 1);
  EXPECT_EQ(run.err, "kurento-module-creator: --format must be markdown or html, got 'pdf'\n");
}

}  // namespace

// --scaffold: the project's files, and the refusals (bad names, an existing project, a
// missing folder, a name of the server's own modules). Building it is tests/sdk/scaffold.sh.
TEST_F(GeneratorToolTest, ScaffoldWritesAProjectWhoseIdlValidates) {
  const fs::path parent = folder_ / "scaffold";
  fs::create_directories(parent);
  const ToolRun run = creator("--scaffold '" + parent.string() + "' EdgeFilter edge_filter --opencv");
  ASSERT_EQ(run.exitCode, 0) << run.err;
  const fs::path project = parent / "edge_filter";
  for (const char* file : {"CMakeLists.txt", "edge_filter.kmd.json", "src/EdgeFilterImpl.hpp",
                           "src/EdgeFilterImpl.cpp", "tests/edge_filter.test.js", "README.md"}) {
    EXPECT_TRUE(fs::is_regular_file(project / file)) << file;
  }
  EXPECT_THAT(readFile(project / "src/EdgeFilterImpl.hpp"), HasSubstr("void process(cv::Mat& frame) override;"));
  // debian/: a kms-edge-filter package depending on the SDK's module ABI and on kms-filters.
  for (const char* file : {"debian/control", "debian/rules", "debian/changelog", "debian/copyright",
                           "debian/source/format"}) {
    EXPECT_TRUE(fs::is_regular_file(project / file)) << file;
  }
  EXPECT_THAT(readFile(project / "debian/control"),
              HasSubstr("Depends: ${shlibs:Depends}, ${misc:Depends}, kms-module-abi-${kms:ModuleAbi}, kms-filters\n"));
  EXPECT_THAT(readFile(project / "debian/rules"), HasSubstr("pkg-config --variable=moduleabi kms-sdk"));
  EXPECT_NE(fs::status(project / "debian/rules").permissions() & fs::perms::owner_exec, fs::perms::none);
  const fs::path kmd = fs::path(CORE_KMD_PATH).parent_path().parent_path();
  const ToolRun check = creator("--check --kmd '" + (project / "edge_filter.kmd.json").string() +
                                "' --import-kmd '" CORE_KMD_PATH "' --import-kmd '" +
                                (kmd / "elements/elements.kmd.json").string() + "' --import-kmd '" +
                                (kmd / "filters/filters.kmd.json").string() + "'");
  EXPECT_EQ(check.exitCode, 0) << check.err;

  const ToolRun again = creator("--scaffold '" + parent.string() + "' EdgeFilter edge_filter");
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_THAT(again.err, HasSubstr("exists already; not touching it"));
}

TEST_F(GeneratorToolTest, ScaffoldRefusesBadNames) {
  const std::string parent = "'" + folder_.string() + "'";
  EXPECT_THAT(creator("--scaffold " + parent + " edgeFilter edge").err,
              HasSubstr("the class name (CamelCase) 'edgeFilter' must match"));
  EXPECT_THAT(creator("--scaffold " + parent + " Edge Edge-Filter").err,
              HasSubstr("the module name (snake_case) 'Edge-Filter' must match"));
  EXPECT_THAT(creator("--scaffold " + parent + " Edge core").err,
              HasSubstr("'core' is taken by the server's own modules"));
  EXPECT_THAT(creator("--scaffold /nonexistent/folder Edge edge").err,
              HasSubstr("the folder '/nonexistent/folder' does not exist"));
  EXPECT_THAT(creator("--scaffold " + parent + " Edge").err,
              HasSubstr("--scaffold takes <folder> <CamelCaseClass> <snake_case_module>"));
}
