// The generated text: declarations, invoke dispatch, events, descriptor, file list.
#include "CppEmitter.hpp"
#include "Generator.hpp"
#include "TestIdl.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace kmsidl::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class EmitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loaded_ = load(coreIdl(), {}, "core.kmd.json");
    ASSERT_EQ(loaded_.messages, std::vector<std::string>{});
    const Module& module = *loaded_.modules.front();
    EmitContext context(module, servedClasses(module, std::nullopt));
    context.generationTime = "2024-01-02T03:04:05Z";
    for (auto& file : emitAll(context)) {
      files_[file.name] = file.content;
    }
  }

  const std::string& file(const std::string& name) {
    EXPECT_EQ(files_.count(name), 1u) << name;
    return files_[name];
  }

  Loaded loaded_;
  std::map<std::string, std::string> files_;
};

TEST_F(EmitterTest, WritesTheDocumentedFiles) {
  std::vector<std::string> names;
  for (const auto& [name, content] : files_) {
    names.push_back(name);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "MediaElementBase.cpp", "MediaElementBase.hpp", "MediaObjectBase.cpp",
                "MediaObjectBase.hpp", "MediaPipelineBase.cpp", "MediaPipelineBase.hpp",
                "PassThroughBase.cpp", "PassThroughBase.hpp", "ServerManagerBase.cpp",
                "ServerManagerBase.hpp", "coreModule.cpp", "coreTypes.cpp", "coreTypes.hpp"}));
}

TEST_F(EmitterTest, TypesHeader) {
  const std::string& text = file("coreTypes.hpp");
  EXPECT_THAT(text, HasSubstr("enum class MediaType { kInvalid = 0, AUDIO, DATA, VIDEO };"));
  EXPECT_THAT(text, HasSubstr("const char* toString(MediaType value);"));
  EXPECT_THAT(text, HasSubstr("MediaType MediaTypeFromString(const std::string& text);"));
  EXPECT_THAT(text, HasSubstr("struct Tag : public kms::ComplexType {\n  std::string key;\n"
                              "  std::string value;\n"));
  EXPECT_THAT(text, HasSubstr("  static std::shared_ptr<Tag> fromJson(const kms::Json& json, "
                              "const std::string& what);"));
  // The parent is declared before the child although the IDL lists the child first.
  EXPECT_LT(text.find("struct Stats : public kms::ComplexType"),
            text.find("struct ElementStats : public Stats"));
  EXPECT_THAT(text, HasSubstr("  std::optional<double> inputAudioLatency;"));
  EXPECT_THAT(text, HasSubstr("  int64_t timestampMillis{};"));
  EXPECT_THAT(text, HasSubstr("class MediaElementImpl;"));
  // Host-filled base events are empty; the others carry their own fields only.
  EXPECT_THAT(text, HasSubstr("struct RaiseBase {\n  // Writes"));
  EXPECT_THAT(text, HasSubstr("struct Media : public RaiseBase {\n  // Writes"));
  EXPECT_THAT(text, HasSubstr("struct ElementConnected : public Media {\n"
                              "  std::shared_ptr<MediaElementImpl> sink;\n"
                              "  MediaType mediaType{};\n  std::string sinkMediaDescription;\n"));
  EXPECT_THAT(text, HasSubstr("template <>\nstruct Marshal<::kurento::MediaType> {"));
}

TEST_F(EmitterTest, TypesSource) {
  const std::string& text = file("coreTypes.cpp");
  // Impl headers of the classes the fields name (RaiseBase's `source` is host-filled).
  EXPECT_THAT(text,
              HasSubstr("#include \"coreTypes.hpp\"\n\n#include \"MediaElementImpl.hpp\"\n\n"));
  EXPECT_THAT(text,
              HasSubstr("\"' is not a valid MediaType (expected one of AUDIO, DATA, VIDEO)\""));
  EXPECT_THAT(text, HasSubstr("kms::addMember(out, allocator, \"__module__\", "
                              "std::string(\"kurento\"));"));
  EXPECT_THAT(text, HasSubstr("kms::addMember(out, allocator, \"__type__\", "
                              "std::string(\"ElementStats\"));"));
  EXPECT_THAT(text, HasSubstr("  Stats::readFields(json, what);"));
  EXPECT_THAT(text, HasSubstr("  Media::toJson(out, allocator);\n"
                              "  kms::addMember(out, allocator, \"sink\", this->sink);"));
}

TEST_F(EmitterTest, BaseOfAClassWithParentMethodsPropertiesAndEvents) {
  const std::string& header = file("MediaElementBase.hpp");
  EXPECT_THAT(header, HasSubstr("#include \"MediaObjectImpl.hpp\"\n#include \"coreTypes.hpp\""));
  EXPECT_THAT(header, HasSubstr("class MediaElementBase : public MediaObjectImpl {\n public:\n"
                                "  using MediaObjectImpl::MediaObjectImpl;"));
  EXPECT_THAT(header, HasSubstr("  virtual void connect(const std::shared_ptr<MediaElementImpl>& "
                                "sink, const std::optional<MediaType>& mediaType, const "
                                "std::optional<std::string>& sinkMediaDescription) = 0;"));
  EXPECT_THAT(header, HasSubstr("  virtual bool isMediaFlowingIn(const MediaType& mediaType, "
                                "const std::string& sinkMediaDescription) = 0;"));
  EXPECT_THAT(header, HasSubstr("  void raiseElementConnected(ElementConnected event) const;"));
  const std::string& source = file("MediaElementBase.cpp");
  EXPECT_THAT(source, HasSubstr("  if (operation == \"connect\") {\n"
                                "    const std::string what = \"operation 'connect' param\";\n"
                                "    const auto arg_sink = kms::requiredMember<std::shared_ptr<"
                                "MediaElementImpl>>(params, \"sink\", what);\n"));
  EXPECT_THAT(source, HasSubstr("kms::optionalMember<std::string>(params, "
                                "\"sinkMediaDescription\", what).value_or(std::string("
                                "\"default\"));"));
  EXPECT_THAT(source, HasSubstr("kms::Marshal<std::map<std::string, std::shared_ptr<Stats>>>::"
                                "to(value, allocator, getStats(arg_mediaType));"));
  EXPECT_THAT(source, HasSubstr("  return MediaObjectBase::invoke(operation, params, value, "
                                "allocator);"));
  EXPECT_THAT(source, HasSubstr("emitEvent(\"ElementConnected\", std::move(document));"));
  EXPECT_THAT(source, HasSubstr("return \"kurento.MediaElement\";"));
  EXPECT_THAT(source, HasSubstr("return {\"kurento.MediaObject\"};"));
  EXPECT_THAT(source, HasSubstr("  if (type == \"ElementConnected\") {\n    return true;\n  }\n"
                                "  return MediaObjectBase::hasEvent(type);"));
}

TEST_F(EmitterTest, RootBaseAndAccessors) {
  const std::string& header = file("MediaObjectBase.hpp");
  EXPECT_THAT(header, HasSubstr("class MediaObjectBase : public kms::RemoteObject {"));
  EXPECT_THAT(header, HasSubstr("  virtual std::shared_ptr<MediaPipelineImpl> getMediaPipeline() "
                                "= 0;\n"));
  EXPECT_THAT(header, Not(HasSubstr("setMediaPipeline")));  // final
  EXPECT_THAT(header, HasSubstr("  virtual void setName(const std::string& name) = 0;"));
  const std::string& source = file("MediaObjectBase.cpp");
  EXPECT_THAT(source, HasSubstr("    setName(kms::requiredMember<std::string>(params, \"name\", "
                                "\"operation 'setName' param\"));"));
  EXPECT_THAT(source, HasSubstr("  return false;\n}"));
  EXPECT_THAT(source, HasSubstr("return {};"));  // no ancestors
  const std::string& manager = file("ServerManagerBase.hpp");
  EXPECT_THAT(manager, HasSubstr("  virtual std::vector<std::string> getSessions() = 0;"));
  EXPECT_THAT(manager, HasSubstr("  virtual int64_t getUsedMemory() = 0;"));
  EXPECT_THAT(manager, Not(HasSubstr("setSessions")));  // readOnly
}

TEST_F(EmitterTest, ModuleDescriptorAndFactories) {
  const std::string& text = file("coreModule.cpp");
  EXPECT_THAT(text, HasSubstr("void coreModuleInit(kms::ServerContext& context) "
                              "__attribute__((weak));"));
  EXPECT_THAT(text, HasSubstr("kms::RemoteObjectPtr createPassThrough(const kms::Json& params) {\n"
                              "  const std::string what = \"constructor of PassThrough param\";\n"
                              "  const auto arg_mediaPipeline = kms::requiredMember<std::shared_ptr"
                              "<MediaPipelineImpl>>(params, \"mediaPipeline\", what);\n"
                              "  return std::make_shared<PassThroughImpl>(arg_mediaPipeline);"));
  EXPECT_THAT(text, HasSubstr("{\"MediaPipeline\", \"kurento.MediaPipeline\", "
                              "&::kurento::createMediaPipeline},\n"
                              "    {\"PassThrough\", \"kurento.PassThrough\", "
                              "&::kurento::createPassThrough},\n};"));
  EXPECT_THAT(text, Not(HasSubstr("createServerManager")));  // abstract
  EXPECT_THAT(text, Not(HasSubstr("createMediaElement")));
  EXPECT_THAT(text, HasSubstr("KMS_MODULE_ABI_VERSION,\n      \"core\",\n      \"7.3.0\",\n"
                              "      kKmdJson,\n      \"2024-01-02T03:04:05Z\","));
  EXPECT_THAT(text, HasSubstr("const char* const kKmdJson =\nR\"kmd(" + coreIdl() + ")kmd\";"));
  EXPECT_THAT(text, HasSubstr("extern \"C\""));
}

// With --impl-dir, classes without an Impl header (or with an unserved ancestor) get nothing.
TEST(ServedClasses, FollowImplHeaders) {
  const auto dir = std::filesystem::temp_directory_path() / "kms-generator-served-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const char* name : {"MediaObjectImpl.hpp", "MediaPipelineImpl.hpp", "PassThroughImpl.hpp"}) {
    std::ofstream(dir / name) << "#pragma once\n";
  }
  Loaded loaded = load(coreIdl(), {}, "core.kmd.json");
  const Module& module = *loaded.modules.front();
  std::set<std::string> served;
  for (const RemoteClass* remoteClass : servedClasses(module, dir.string())) {
    served.insert(remoteClass->name);
  }
  // PassThrough's parent MediaElement has no Impl: PassThrough is not served either.
  EXPECT_EQ(served, (std::set<std::string>{"MediaObject", "MediaPipeline"}));
  EmitContext context(module, servedClasses(module, dir.string()));
  std::map<std::string, std::string> files;
  for (auto& generated : emitAll(context)) {
    files[generated.name] = generated.content;
  }
  EXPECT_EQ(files.count("PassThroughBase.hpp"), 0u);
  EXPECT_EQ(files.count("MediaObjectBase.hpp"), 1u);
  EXPECT_THAT(files["coreModule.cpp"], Not(HasSubstr("createPassThrough")));
  // References to an unserved class fall back to kms::RemoteObject.
  EXPECT_THAT(files["coreTypes.hpp"], HasSubstr("std::shared_ptr<kms::RemoteObject> sink;"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kmsidl::test
