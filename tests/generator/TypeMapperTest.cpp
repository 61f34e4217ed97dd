// IDL types -> C++ types, identifiers and literals.
#include "CppNames.hpp"
#include "TestIdl.hpp"
#include "TypeMapper.hpp"

#include <gtest/gtest.h>

namespace kmsidl::test {
namespace {

// A module "test" in namespace `other` importing core, with one method of many params.
class TypeMapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string text = idl(
        R"([{"name": "Widget", "extends": "kurento.MediaElement",
             "methods": [{"name": "run", "params": [
               {"name": "s", "type": "String"}, {"name": "b", "type": "boolean"},
               {"name": "i", "type": "int"}, {"name": "l", "type": "int64"},
               {"name": "f", "type": "float"}, {"name": "d", "type": "double"},
               {"name": "list", "type": "String[]"}, {"name": "map", "type": "String<>"},
               {"name": "pipeline", "type": "MediaPipeline"},
               {"name": "tag", "type": "core.Tag"}, {"name": "tags", "type": "kurento.Tag[]"},
               {"name": "type", "type": "MediaType"},
               {"name": "maybe", "type": "MediaType", "optional": true},
               {"name": "given", "type": "int", "optional": true, "defaultValue": 7},
               {"name": "own", "type": "Widget"}, {"name": "gadget", "type": "Gadget"},
               {"name": "mode", "type": "Mode"}, {"name": "stats", "type": "Stats<>[]"}]}]},
            {"name": "Gadget", "extends": "kurento.MediaElement"}])",
        R"([{"name": "Mode", "typeFormat": "ENUM", "values": ["ON", "OFF"]}])", "[]",
        R"("imports": [{"name": "core"}], "code": {"implementation": {"cppNamespace": "other"}}, )");
    loaded_ = load(text, {{"core.kmd.json", coreIdl()}});
    ASSERT_EQ(loaded_.messages, std::vector<std::string>{});
    const Module& module = *loaded_.modules.front();
    // Widget has an Impl, Gadget has not.
    context_ = std::make_unique<EmitContext>(
        module, std::set<const RemoteClass*>{&module.remoteClasses[0]});
  }

  std::string typeOf(const std::string& name) const {
    for (const auto& param : context_->module.remoteClasses[0].methods[0].params) {
      if (param.name == name) {
        return paramValueType(*context_, param);
      }
    }
    return "?";
  }

  Loaded loaded_;
  std::unique_ptr<EmitContext> context_;
};

TEST_F(TypeMapperTest, Primitives) {
  EXPECT_EQ(typeOf("s"), "std::string");
  EXPECT_EQ(typeOf("b"), "bool");
  EXPECT_EQ(typeOf("i"), "int32_t");
  EXPECT_EQ(typeOf("l"), "int64_t");
  EXPECT_EQ(typeOf("f"), "double");
  EXPECT_EQ(typeOf("d"), "double");
}

TEST_F(TypeMapperTest, ContainersClassesAndComplexTypes) {
  EXPECT_EQ(typeOf("list"), "std::vector<std::string>");
  EXPECT_EQ(typeOf("map"), "std::map<std::string, std::string>");
  EXPECT_EQ(typeOf("pipeline"), "std::shared_ptr<::kurento::MediaPipelineImpl>");
  EXPECT_EQ(typeOf("tag"), "std::shared_ptr<::kurento::Tag>");
  EXPECT_EQ(typeOf("tags"), "std::vector<std::shared_ptr<::kurento::Tag>>");
  EXPECT_EQ(typeOf("type"), "::kurento::MediaType");
  EXPECT_EQ(typeOf("own"), "std::shared_ptr<WidgetImpl>");
  EXPECT_EQ(typeOf("gadget"), "std::shared_ptr<kms::RemoteObject>");  // not served
  EXPECT_EQ(typeOf("mode"), "Mode");
  EXPECT_EQ(typeOf("stats"),
            "std::vector<std::map<std::string, std::shared_ptr<::kurento::Stats>>>");
}

TEST_F(TypeMapperTest, OptionalParams) {
  EXPECT_EQ(typeOf("maybe"), "std::optional<::kurento::MediaType>");
  EXPECT_EQ(typeOf("given"), "int32_t");
  const auto& params = context_->module.remoteClasses[0].methods[0].params;
  EXPECT_EQ(paramDeclType(*context_, params[12]), "const std::optional<::kurento::MediaType>&");
  EXPECT_EQ(defaultExpression(*context_, params[13].type, *params[13].defaultValue), "int32_t{7}");
}

TEST(CppNames, IdentifiersAvoidKeywordsMacrosAndTypeNames) {
  EXPECT_EQ(cppIdentifier("delete"), "delete_");
  EXPECT_EQ(cppIdentifier("default"), "default_");
  EXPECT_EQ(cppIdentifier("operator"), "operator_");
  EXPECT_EQ(cppIdentifier("class"), "class_");
  EXPECT_EQ(cppIdentifier("NULL"), "NULL_");
  EXPECT_EQ(cppIdentifier("linux"), "linux_");
  EXPECT_EQ(cppIdentifier("sink"), "sink");
  EXPECT_EQ(cppIdentifier("MediaType", {"MediaType"}), "MediaType_");
  EXPECT_EQ(cppIdentifier("my-name"), "my_name");
  EXPECT_EQ(enumeratorName("AUDIO"), "AUDIO");
  EXPECT_EQ(enumeratorName("NULL"), "NULL_");
  EXPECT_EQ(enumeratorName("kInvalid"), "kInvalid_");
  EXPECT_EQ(enumeratorName("ERROR"), "ERROR_");
  EXPECT_EQ(enumeratorName("1080p"), "k1080p");
}

TEST(CppNames, StringLiteralEscapes) {
  EXPECT_EQ(stringLiteral("a\"b\\c\nd"), R"("a\"b\\c\nd")");
  EXPECT_EQ(stringLiteral(std::string("\x01", 1)), R"("\001")");
}

TEST(CppNames, EmbeddedTextUsesASafeDelimiterAndSplits) {
  EXPECT_EQ(embeddedTextLiteral("{\"a\": 1}"), "R\"kmd({\"a\": 1})kmd\"");
  EXPECT_EQ(embeddedTextLiteral("x)kmd\"y"), "R\"kmd0(x)kmd\"y)kmd0\"");
  EXPECT_EQ(embeddedTextLiteral("abcdef", 4), "R\"kmd(abcd)kmd\"\nR\"kmd(ef)kmd\"");
  // Never splits inside a UTF-8 sequence ("é" is two bytes).
  EXPECT_EQ(embeddedTextLiteral("abc\xC3\xA9", 4), "R\"kmd(abc)kmd\"\nR\"kmd(\xC3\xA9)kmd\"");
  // Carriage returns would not survive a raw literal: escaped literals instead.
  EXPECT_EQ(embeddedTextLiteral("a\r\nb"), R"("a\r\nb")");
}

}  // namespace
}  // namespace kmsidl::test
