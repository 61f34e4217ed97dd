// Generated files are rewritten only when their content changes.
#include "FileWriter.hpp"
#include "Generator.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace kmsidl {
namespace {

namespace fs = std::filesystem;

class FileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One folder per test process: ctest runs the cases of this suite in parallel.
    dir_ = fs::temp_directory_path() /
           ("kms-generator-writer-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path dir_;
};

TEST_F(FileWriterTest, WritesCreatesFoldersAndSkipsUnchangedContent) {
  const fs::path path = dir_ / "a" / "b.hpp";
  EXPECT_EQ(writeIfChanged(path.string(), "one"), WriteResult::kWritten);
  EXPECT_EQ(read(path), "one");
  const auto firstTime = fs::last_write_time(path);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(writeIfChanged(path.string(), "one"), WriteResult::kUnchanged);
  EXPECT_EQ(fs::last_write_time(path), firstTime);
  EXPECT_EQ(writeIfChanged(path.string(), "two"), WriteResult::kWritten);
  EXPECT_EQ(read(path), "two");
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST_F(FileWriterTest, RegeneratingAnUnchangedModuleRewritesNothing) {
  fs::create_directories(dir_);
  const fs::path kmd = dir_ / "tiny.kmd.json";
  std::ofstream(kmd) << R"({"name": "tiny", "version": "1.0.0", "kurentoVersion": "^7.0.0",
    "remoteClasses": [{"name": "Root", "constructor": {"params": []}}],
    "complexTypes": [{"name": "Mode", "typeFormat": "ENUM", "values": ["ON"]}], "events": []})";
  GeneratorOptions options;
  options.kmdPath = kmd.string();
  options.outputDir = (dir_ / "out").string();
  Diagnostics diagnostics;
  auto modules = loadModules(options, diagnostics);
  ASSERT_TRUE(diagnostics.ok());
  EXPECT_EQ(generate(options, *modules.front()), 5u);  // Types x2, Module, RootBase x2
  EXPECT_EQ(generate(options, *modules.front()), 0u);
  EXPECT_TRUE(fs::exists(dir_ / "out" / "RootBase.cpp"));
}

TEST_F(FileWriterTest, GenerationTimeHonoursSourceDateEpoch) {
  GeneratorOptions options;
  options.kmdPath = "/nonexistent.kmd.json";
  setenv("SOURCE_DATE_EPOCH", "86400", 1);
  EXPECT_EQ(generationTime(options), "1970-01-02T00:00:00Z");
  unsetenv("SOURCE_DATE_EPOCH");
}

}  // namespace
}  // namespace kmsidl
