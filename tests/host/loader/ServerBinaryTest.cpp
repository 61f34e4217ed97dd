// Runs the real kurento-media-server: --version with the loader fixtures, --gst-* options
// handled by GStreamer, unknown options, and configuration errors that stop start-up.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

const std::string kBinary = KMS_SERVER_BINARY;
const std::string kFixtures = KMS_LOADER_FIXTURES;

struct Outcome {
  int exitCode = -1;
  std::string output;  // stdout
  std::string errors;  // stderr
};

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ServerBinaryTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kms-binary-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs the server with `args` in a clean environment (plus `environment`, "NAME=value").
  Outcome run(const std::vector<std::string>& args,
              const std::vector<std::string>& environment = {}) {
    std::string command = "env -u GST_DEBUG -u KURENTO_CONF_FILE -u KURENTO_MODULES_PATH "
                          "-u KURENTO_MODULES_CONFIG_PATH GST_DEBUG_NO_COLOR=1";
    for (const std::string& variable : environment) {
      command += " " + quote(variable);
    }
    command += " " + quote(kBinary);
    for (const std::string& arg : args) {
      command += " " + quote(arg);
    }
    command += " >" + quote(dir_ + "/stdout") + " 2>" + quote(dir_ + "/stderr") + " </dev/null";
    const int status = std::system(command.c_str());
    Outcome outcome;
    outcome.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outcome.output = readFile(dir_ + "/stdout");
    outcome.errors = readFile(dir_ + "/stderr");
    return outcome;
  }

  std::string writeConfig(const std::string& text) {
    const std::string path = dir_ + "/kurento.conf.json";
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_;
};

TEST_F(ServerBinaryTest, VersionListsTheGoodFixtureModule) {
  const Outcome outcome = run({"--version", "--modules-path", kFixtures});
  EXPECT_EQ(outcome.exitCode, 0) << outcome.errors;
  EXPECT_EQ(outcome.output.rfind("Kurento Media Server version 7.3.0\nFound modules:\n", 0), 0u)
      << outcome.output;
  EXPECT_NE(outcome.output.find("\n  good 1.2.3 " + kFixtures + "/libgood.so\n"),
            std::string::npos)
      << outcome.output;
  EXPECT_EQ(outcome.output.find("  wrongabi "), std::string::npos) << outcome.output;
  // The refusals are logged at ERROR (shown by default) and listed after the modules.
  EXPECT_NE(outcome.errors.find("Refusing module " + kFixtures + "/libnopic.so: it has text "
                                "relocations"),
            std::string::npos)
      << outcome.errors;
  EXPECT_NE(outcome.output.find("Refused modules:\n"), std::string::npos) << outcome.output;
}

TEST_F(ServerBinaryTest, ListShowsTheCreatableTypes) {
  const Outcome outcome = run({"--list", "-p", kFixtures});
  EXPECT_EQ(outcome.exitCode, 0) << outcome.errors;
  EXPECT_NE(outcome.output.find("  good 1.2.3 " + kFixtures + "/libgood.so\n    fixture.Widget\n"),
            std::string::npos)
      << outcome.output;
}

TEST_F(ServerBinaryTest, ModulesPathComesFromTheEnvironmentToo) {
  const Outcome outcome = run({"--version"}, {"KURENTO_MODULES_PATH=/nonexistent:" + kFixtures});
  EXPECT_EQ(outcome.exitCode, 0) << outcome.errors;
  EXPECT_NE(outcome.output.find("  good 1.2.3 " + kFixtures + "/libgood.so\n"), std::string::npos)
      << outcome.output;
}

TEST_F(ServerBinaryTest, GStreamerTakesItsOwnOptions) {
  const Outcome outcome = run({"--gst-debug-no-color", "--gst-debug=kms-loader:6",
                               "--gst-debug-level=1", "--version", "--modules-path", kFixtures,
                               "--gst-unknown-option=1"});
  EXPECT_EQ(outcome.exitCode, 0) << outcome.errors;
  // kms-loader:6 made GStreamer print the loader's DEBUG lines.
  EXPECT_NE(outcome.errors.find("kms-loader"), std::string::npos) << outcome.errors;
  EXPECT_NE(outcome.errors.find("Looking for modules in " + kFixtures), std::string::npos)
      << outcome.errors;
}

TEST_F(ServerBinaryTest, UnknownOptionFailsWithExitCode1) {
  const Outcome outcome = run({"--no-such-option"});
  EXPECT_EQ(outcome.exitCode, 1);
  EXPECT_EQ(outcome.errors,
            "kurento-media-server: unrecognised option '--no-such-option'\n"
            "Try 'kurento-media-server --help' for the options.\n");
}

TEST_F(ServerBinaryTest, HelpListsTheOptions) {
  const Outcome outcome = run({"--help"});
  EXPECT_EQ(outcome.exitCode, 0);
  for (const char* option : {"--conf-file", "--modules-path", "--modules-config-path",
                             "--version", "--list", "--port", "--gst-debug"}) {
    EXPECT_NE(outcome.output.find(option), std::string::npos) << option;
  }
}

TEST_F(ServerBinaryTest, BadConfigurationValueStopsStartUp) {
  const std::string file = writeConfig(
      "// a comment\n{\"mediaServer\": {\"net\": {\"websocket\": {\"port\": 70000}}}}\n");
  const Outcome outcome = run({"-f", file, "--modules-path", kFixtures});
  EXPECT_EQ(outcome.exitCode, 1);
  EXPECT_NE(outcome.errors.find("kurento-media-server: " + file +
                                ": mediaServer.net.websocket.port: 70000 is outside [1, 65535]\n"),
            std::string::npos)
      << outcome.errors;
}

TEST_F(ServerBinaryTest, ConfigurationParseErrorStopsStartUp) {
  const std::string file = writeConfig("{\n  \"mediaServer\": {\n    \"net\" 5\n  }\n}\n");
  const Outcome outcome = run({"--conf-file", file});
  EXPECT_EQ(outcome.exitCode, 1);
  EXPECT_NE(outcome.errors.find("kurento-media-server: " + file + ": parse error at line 3"),
            std::string::npos)
      << outcome.errors;
}

TEST_F(ServerBinaryTest, MissingExplicitConfigFileIsAnError) {
  const Outcome outcome = run({"-f", dir_ + "/absent.conf.json"});
  EXPECT_EQ(outcome.exitCode, 1);
  EXPECT_EQ(outcome.errors, "kurento-media-server: " + dir_ +
                                "/absent.conf.json: the configuration file does not exist\n");
}

TEST_F(ServerBinaryTest, BadDockerVariableStopsStartUp) {
  const std::string file = writeConfig("{}");
  const Outcome outcome = run({"-f", file, "-c", dir_}, {"KMS_MTU=big"});
  EXPECT_EQ(outcome.exitCode, 1);
  EXPECT_EQ(outcome.errors, "kurento-media-server: KMS_MTU: 'big' is not an integer\n");
}

}  // namespace
