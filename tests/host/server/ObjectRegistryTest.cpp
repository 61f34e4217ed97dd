// ObjectRegistry's answers to `create` of a class no factory makes: a third-party module that
// declares a class in its IDL and ships no implementation gets 40006 NOT_IMPLEMENTED, an
// abstract class 40104, an unknown one 40100, each naming the type and the module.
#include "server/ObjectRegistry.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Module.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

constexpr const char* kKmd = R"({
  "name": "partial", "version": "1.0.0", "kurentoVersion": "^7.0.0",
  "remoteClasses": [
    { "name": "PartialBase", "abstract": true },
    { "name": "PartialThing", "extends": "PartialBase", "constructor": { "params": [] } }
  ]
})";

class ObjectRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const kms::ModuleDescriptor descriptor{KMS_MODULE_ABI_VERSION, "partial", "1.0.0", kKmd, "",
                                           nullptr, 0, nullptr};
    registry_.addModule(descriptor, "/fixtures/libkmspartial.so");
  }

  // The code and message of `create(type)`, which must throw.
  std::pair<kms::ErrorCode, std::string> createError(const std::string& type) {
    kms::JsonDocument params;
    params.SetObject();
    try {
      registry_.create(type, params);
    } catch (const kms::KurentoException& error) {
      return {error.code(), error.what()};
    }
    ADD_FAILURE() << "create(" << type << ") did not throw";
    return {kms::ErrorCode::kUnexpectedError, ""};
  }

  kms::host::ServerConfig config_;
  kms::host::ObjectRegistry registry_{config_, "7.0.0"};
};

TEST_F(ObjectRegistryTest, DeclaredClassWithoutFactoryIsNotImplemented) {
  const auto [code, message] = createError("PartialThing");
  EXPECT_EQ(code, kms::ErrorCode::kNotImplemented);
  EXPECT_NE(message.find("'PartialThing'"), std::string::npos) << message;
  EXPECT_NE(message.find("module partial"), std::string::npos) << message;
}

TEST_F(ObjectRegistryTest, AbstractClassHasNoConstructor) {
  const auto [code, message] = createError("PartialBase");
  EXPECT_EQ(code, kms::ErrorCode::kMediaObjectConstructorNotFound);
  EXPECT_NE(message.find("abstract"), std::string::npos) << message;
}

TEST_F(ObjectRegistryTest, UnknownClassIsNotFound) {
  const auto [code, message] = createError("NoSuchThing");
  EXPECT_EQ(code, kms::ErrorCode::kMediaObjectTypeNotFound);
  EXPECT_NE(message.find("no loaded module declares it"), std::string::npos) << message;
}

}  // namespace
