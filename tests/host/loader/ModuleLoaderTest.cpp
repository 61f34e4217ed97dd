// ModuleLoader on the real fixture .so files: only the good module is loaded, and every bad file
// gets exactly one precise refusal, also logged at ERROR in the kms-loader category.
#include "loader/ModuleLoader.hpp"

#include <gst/gst.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace kms::host {
namespace {

const std::string kFixtures = KMS_LOADER_FIXTURES;

// Records the kms-loader log lines at `level` while alive.
class LoaderLogCapture {
 public:
  explicit LoaderLogCapture(GstDebugLevel level) : level_(level) {
    gst_debug_set_active(TRUE);  // without GST_DEBUG set, nothing reaches log functions
    gst_debug_set_threshold_for_name("kms-loader", GST_LEVEL_DEBUG);
    gst_debug_add_log_function(&LoaderLogCapture::log, this, nullptr);
  }
  ~LoaderLogCapture() { gst_debug_remove_log_function_by_data(this); }

  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 private:
  static void log(GstDebugCategory* category, GstDebugLevel level, const gchar*, const gchar*,
                  gint, GObject*, GstDebugMessage* message, gpointer data) {
    auto* self = static_cast<LoaderLogCapture*>(data);
    if (level == self->level_ &&
        std::string(gst_debug_category_get_name(category)) == "kms-loader") {
      std::lock_guard<std::mutex> lock(self->mutex_);
      self->lines_.emplace_back(gst_debug_message_get(message));
    }
  }

  GstDebugLevel level_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

std::string fixture(const std::string& name) { return kFixtures + "/" + name; }

std::vector<std::string> expectedRefusals() {
  const std::string buildShared =
      ". Build modules as shared libraries (CMake: add_library(<name> SHARED ...) or "
      "kms_add_module; compiler: -shared -fPIC).";
  return {
      "Refusing module " + fixture("libexec.so") +
          ": it is not a shared library (e_type is ET_EXEC (an executable linked without "
          "-pie))" + buildShared,
      "Refusing module " + fixture("libexecstack.so") +
          ": it asks for an executable stack (PT_GNU_STACK has PF_X). Link it with -z "
          "noexecstack, or give the object that lacks a .note.GNU-stack section (usually "
          "assembly) one.",
      "Refusing module " + fixture("libgood_again.so") + ": module 'good' is already loaded from " +
          fixture("libgood.so") + ". Remove one of the two files from the modules path.",
      "Refusing module " + fixture("libjunk.so") +
          ": it is not an ELF shared library (it does not start with the ELF magic bytes). "
          "Remove it from the modules folder or replace it with the built module.",
      "Refusing module " + fixture("libnopic.so") +
          ": it has text relocations (not position-independent). Rebuild it with -fPIC "
          "(CMake: set(CMAKE_POSITION_INDEPENDENT_CODE ON)) and link without -z notext.",
      "Refusing module " + fixture("libpie.so") +
          ": it is a position-independent executable, not a shared library (DT_FLAGS_1 has "
          "DF_1_PIE)" + buildShared,
      "Refusing module " + fixture("libwidget_copy.so") +
          ": its type 'fixture.Widget' is already defined by module 'good' (" +
          fixture("libgood.so") +
          "). Rename the class in one of the modules or remove one of them from the modules "
          "path.",
      "Refusing module " + fixture("libwrongabi.so") + ": built for module ABI " +
          std::to_string(KMS_MODULE_ABI_VERSION + 1) + ", this server needs ABI " +
          std::to_string(KMS_MODULE_ABI_VERSION) +
          ". Rebuild it against the installed kurento SDK (kms-sdk) of this server version.",
  };
}

TEST(ModuleLoaderTest, LoadsOnlyTheGoodModuleAndRefusesEveryBadFile) {
  ModuleLoader loader;
  std::vector<LoadedModule> modules = loader.loadAll({kFixtures});

  ASSERT_EQ(modules.size(), 1u);
  EXPECT_EQ(modules[0].path, fixture("libgood.so"));
  EXPECT_STREQ(modules[0].descriptor->name, "good");
  EXPECT_STREQ(modules[0].descriptor->version, "1.2.3");
  EXPECT_TRUE(modules[0].library.is_loaded());

  const std::vector<std::string> expected = expectedRefusals();
  ASSERT_EQ(loader.refusals().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(loader.refusals()[i], expected[i]);
  }
}

TEST(ModuleLoaderTest, TheLoadedModuleCreatesWorkingObjects) {
  ModuleLoader loader;
  std::vector<LoadedModule> modules = loader.loadAll({kFixtures});
  ASSERT_EQ(modules.size(), 1u);
  const ModuleDescriptor& descriptor = *modules[0].descriptor;
  ASSERT_EQ(descriptor.factoryCount, 1u);
  EXPECT_STREQ(descriptor.factories[0].typeName, "Widget");
  JsonDocument params(rapidjson::kObjectType);
  RemoteObjectPtr object = descriptor.factories[0].create(params);
  ASSERT_NE(object, nullptr);
  EXPECT_STREQ(object->qualifiedTypeName(), "fixture.Widget");
  JsonDocument value;
  ASSERT_TRUE(object->invoke("getName", params, value, value.GetAllocator()));
  EXPECT_EQ(std::string(value.GetString()), "good");
}

TEST(ModuleLoaderTest, LogsEachRefusalOnceAtError) {
  LoaderLogCapture errors(GST_LEVEL_ERROR);
  ModuleLoader loader;
  loader.loadAll({kFixtures});
  EXPECT_EQ(errors.lines(), expectedRefusals());
}

TEST(ModuleLoaderTest, SkipsAPlainLibraryWithAnInfoLine) {
  LoaderLogCapture infos(GST_LEVEL_INFO);
  ModuleLoader loader;
  loader.loadAll({kFixtures});
  const std::vector<std::string> lines = infos.lines();
  const std::string expected =
      "Skipping " + fixture("libplain.so") + ": no kms_module_descriptor symbol, so it is a "
      "plain library";
  EXPECT_NE(std::find(lines.begin(), lines.end(), expected), lines.end());
}

TEST(ModuleLoaderTest, ReadsAFolderListedTwiceOnce) {
  ModuleLoader loader;
  std::vector<LoadedModule> modules = loader.loadAll({kFixtures, kFixtures + "/"});
  EXPECT_EQ(modules.size(), 1u);
  EXPECT_EQ(loader.refusals().size(), expectedRefusals().size());
}

TEST(ModuleLoaderTest, IgnoresMissingFoldersAndOtherFiles) {
  char pattern[] = "/tmp/kms-loader-test-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  std::filesystem::copy_file(fixture("libgood.so"), dir + "/libgood.so.1");
  std::filesystem::create_directory(dir + "/libdir.so");
  std::filesystem::create_symlink(fixture("libgood.so"), dir + "/liblinked.so");

  ModuleLoader loader;
  std::vector<LoadedModule> modules = loader.loadAll({dir + "/absent", dir});
  ASSERT_EQ(modules.size(), 1u);
  EXPECT_EQ(modules[0].path, dir + "/liblinked.so");
  EXPECT_TRUE(loader.refusals().empty());
  std::filesystem::remove_all(dir);
}

TEST(ModuleLoaderTest, KeepsFolderOrderAndRefusesTheLaterDuplicate) {
  char pattern[] = "/tmp/kms-loader-test-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  std::filesystem::copy_file(fixture("libgood.so"), dir + "/libzz_first.so");

  ModuleLoader loader;
  std::vector<LoadedModule> modules = loader.loadAll({dir, kFixtures});
  ASSERT_EQ(modules.size(), 1u);
  EXPECT_EQ(modules[0].path, dir + "/libzz_first.so");
  EXPECT_NE(std::find(loader.refusals().begin(), loader.refusals().end(),
                      "Refusing module " + fixture("libgood.so") +
                          ": module 'good' is already loaded from " + dir +
                          "/libzz_first.so. Remove one of the two files from the modules path."),
            loader.refusals().end());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kms::host
