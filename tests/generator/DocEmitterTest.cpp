// The API reference (--generate-docs): sections, links across modules, escaping, rst markup.
#include "DocEmitter.hpp"
#include "TestIdl.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmsidl::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A module "test" importing the compact core: a creatable class with a documented
// constructor, properties, methods and an event, an ENUM and a REGISTER.
std::string docsIdl(const std::string& classDoc) {
  return idl(R"([{"name": "Blender", "extends": "MediaElement", "doc": )" + classDoc + R"(,
           "constructor": {"doc": "Creates a blender.", "params": [
             {"name": "mediaPipeline", "type": "MediaPipeline", "doc": "Its pipeline."},
             {"name": "mode", "type": "BlendMode", "optional": true, "defaultValue": "SOFT",
              "doc": "How to blend."}]},
           "properties": [{"name": "level", "type": "double", "doc": "Mix level."},
                          {"name": "inputs", "type": "MediaElement[]", "readOnly": true}],
           "methods": [{"name": "addInput", "doc": "Adds an input.",
                        "params": [{"name": "source", "type": "MediaElement"},
                                   {"name": "media", "type": "MediaType", "optional": true}],
                        "return": {"type": "core.Tag<>", "doc": "Tags by input."}}],
           "events": ["Blended", "ElementConnected"]},
          {"name": "Mixer", "abstract": true, "extends": "MediaObject", "doc": "Base."}])",
             R"([{"name": "BlendMode", "typeFormat": "ENUM", "values": ["SOFT", "HARD"],
           "doc": "Blend modes."},
          {"name": "BlendStats", "typeFormat": "REGISTER", "extends": "Stats",
           "properties": [{"name": "frames", "type": "int64", "optional": true,
                           "doc": "Frames blended."}]}])",
             R"([{"name": "Blended", "extends": "Media", "doc": "Raised per frame.",
           "properties": [{"name": "mode", "type": "BlendMode"}]}])",
             R"("imports": [{"name": "core", "version": "^7.0.0"}], )");
}

class DocEmitterTest : public ::testing::Test {
 protected:
  std::string page(const std::string& classDoc, DocFormat format) {
    loaded_ = load(docsIdl(classDoc), {{"core.kmd.json", coreIdl()}});
    EXPECT_EQ(loaded_.messages, std::vector<std::string>{});
    if (!loaded_.messages.empty() || loaded_.modules.empty()) {
      return "";
    }
    const GeneratedFile file = emitDocs(*loaded_.modules.front(), format);
    EXPECT_EQ(file.name, format == DocFormat::kHtml ? "test.html" : "test.md");
    return file.content;
  }

  Loaded loaded_;
};

TEST_F(DocEmitterTest, MarkdownClassWithLinksAcrossModules) {
  const std::string md = page(R"("Blends its inputs.")", DocFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("# `test` module API reference\n"));
  EXPECT_THAT(md, HasSubstr("**Imports:** [`core`](core.md)"));
  EXPECT_THAT(md, HasSubstr("### <a id=\"class-Blender\"></a>Blender\n\n"
                            "Extends [`MediaElement`](core.md#class-MediaElement) \xE2\x86\x92 "
                            "[`MediaObject`](core.md#class-MediaObject).\n\n"
                            "Blends its inputs.\n\n#### Constructor\n\nCreates a blender.\n\n"));
  EXPECT_THAT(md, HasSubstr("- `mediaPipeline`: [`MediaPipeline`](core.md#class-MediaPipeline)"
                            " \xE2\x80\x94 Its pipeline.\n"
                            "- `mode`: [`BlendMode`](#type-BlendMode), optional, default "
                            "`\"SOFT\"` \xE2\x80\x94 How to blend.\n"));
  EXPECT_THAT(md, HasSubstr("- <a id=\"class-Blender-level\"></a>`level`: `double` "
                            "\xE2\x80\x94 Mix level.\n"
                            "- <a id=\"class-Blender-inputs\"></a>`inputs`: "
                            "[`MediaElement`](core.md#class-MediaElement)`[]`, read-only\n"));
  EXPECT_THAT(md, HasSubstr("##### <a id=\"class-Blender-addInput\"></a>`addInput()`\n\n"
                            "`addInput`(source: [`MediaElement`](core.md#class-MediaElement), "
                            "media?: [`MediaType`](core.md#type-MediaType)) \xE2\x86\x92 "
                            "[`Tag`](core.md#type-Tag)`<>`\n\nAdds an input.\n\n"));
  EXPECT_THAT(md, HasSubstr("**Returns:** [`Tag`](core.md#type-Tag)`<>` \xE2\x80\x94 Tags by "
                            "input.\n"));
  EXPECT_THAT(md, HasSubstr("#### Events\n\n- [`Blended`](#event-Blended) \xE2\x80\x94 Raised per "
                            "frame.\n- [`ElementConnected`](core.md#event-ElementConnected)\n"));
  EXPECT_THAT(md, HasSubstr("### <a id=\"class-Mixer\"></a>Mixer\n\n**Abstract**: not created "
                            "directly; use a subclass. Extends "
                            "[`MediaObject`](core.md#class-MediaObject).\n\nBase.\n"));
}

TEST_F(DocEmitterTest, MarkdownEventsAndComplexTypes) {
  const std::string md = page(R"("x")", DocFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("### <a id=\"event-Blended\"></a>Blended\n\nExtends "
                            "[`Media`](core.md#event-Media). Raised by [`Blender`](#class-Blender)."
                            "\n\nRaised per frame.\n\n**Properties:**\n\n"
                            "- `mode`: [`BlendMode`](#type-BlendMode)\n\n"
                            "Inherited properties: `type` from [`Media`](core.md#event-Media); "
                            "`source`, `tags` from [`RaiseBase`](core.md#event-RaiseBase).\n"));
  EXPECT_THAT(md, HasSubstr("### <a id=\"type-BlendMode\"></a>BlendMode\n\nEnumeration (ENUM)."
                            "\n\nBlend modes.\n\n**Values:**\n\n"
                            "- <a id=\"type-BlendMode-SOFT\"></a>`SOFT`\n"
                            "- <a id=\"type-BlendMode-HARD\"></a>`HARD`\n"));
  EXPECT_THAT(md, HasSubstr("### <a id=\"type-BlendStats\"></a>BlendStats\n\nRecord (REGISTER). "
                            "Extends [`Stats`](core.md#type-Stats).\n\n**Properties:**\n\n"
                            "- `frames`: `int64`, optional \xE2\x80\x94 Frames blended.\n\n"
                            "Inherited properties: `id`, `timestampMillis` from "
                            "[`Stats`](core.md#type-Stats).\n"));
  EXPECT_THAT(md, HasSubstr("- [Remote classes](#remote-classes): [`Blender`](#class-Blender), "
                            "[`Mixer`](#class-Mixer)\n"));
}

TEST_F(DocEmitterTest, HtmlIsSelfContainedWithTheSameLinks) {
  const std::string html = page(R"("Blends its inputs.")", DocFormat::kHtml);
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_THAT(html, HasSubstr("<title>Module test API reference</title>"));
  EXPECT_THAT(html, HasSubstr("<style>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html,
              HasSubstr("<h3 id=\"class-Blender\">Blender</h3>\n<p>Extends <a "
                        "href=\"core.html#class-MediaElement\"><code>MediaElement</code></a>"));
  EXPECT_THAT(html, HasSubstr("<li><code>mode</code>: <a href=\"#type-BlendMode\"><code>BlendMode"
                              "</code></a>, optional, default <code>&quot;SOFT&quot;</code>"));
  EXPECT_THAT(html, HasSubstr("<li id=\"class-Blender-inputs\"><code>inputs</code>: "));
  EXPECT_THAT(html, HasSubstr("<h3 id=\"type-BlendMode\">BlendMode</h3>"));
  EXPECT_THAT(html, HasSubstr("</main>\n</body>\n</html>\n"));
}

TEST_F(DocEmitterTest, HtmlEscapesDocText) {
  const std::string html =
      page(R"("Uses <script>alert(\"x\")</script> & 'quotes'; see `bad <javascript:alert(1)>`_.")",
           DocFormat::kHtml);
  EXPECT_THAT(html, HasSubstr("<p>Uses &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                              "&#39;quotes&#39;; see bad.</p>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
}

TEST_F(DocEmitterTest, MarkdownEscapesDocText) {
  const std::string md =
      page(R"("A <b>bold</b> [claim](x) | a_b *not emphasis * here")", DocFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("A \\<b\\>bold\\</b\\> \\[claim\\](x) \\| a_b \\*not emphasis \\* "
                            "here\n"));
}

TEST_F(DocEmitterTest, RstRolesBecomeLinksOrText) {
  const std::string md =
      page(R"("Lives in a :rom:cls:`MediaPipeline`; call :rom:meth:`MediaElement.connect` or\n)"
           R"(:rom:meth:`addInput`, watch :rom:evt:`ElementConnected` and :rom:enum:`BlendMode`.\n)"
           R"(Exchanges :term:`SDP` (:rfc:`4566`, :wikipedia:`en,Session_Description_Protocol`),\n)"
           R"(see :rom:cls:`kurento.Unknown` and ``setLevel(0.5)``, **really**, *maybe*.\n)"
           R"(\n)"
           R"(.. note:: Keep it\n)"
           R"(   short.\n)"
           R"(\n)"
           R"(Example::\n)"
           R"(\n)"
           R"(    blender.addInput(player)\n)"
           R"(\n)"
           R"(- one\n)"
           R"(- two `link <https://example.org/a_b>`_")",
           DocFormat::kMarkdown);
  EXPECT_THAT(md, Not(HasSubstr(":rom:")));
  EXPECT_THAT(md, Not(HasSubstr(":term:")));
  EXPECT_THAT(md, HasSubstr("Lives in a [`MediaPipeline`](core.md#class-MediaPipeline); call "
                            "[`MediaElement.connect`](core.md#class-MediaElement-connect) or "
                            "[`addInput`](#class-Blender-addInput), watch "
                            "[`ElementConnected`](core.md#event-ElementConnected) and "
                            "[`BlendMode`](#type-BlendMode). Exchanges SDP "
                            "([RFC 4566](https://www.rfc-editor.org/rfc/rfc4566), "
                            "[Session Description Protocol]"
                            "(https://en.wikipedia.org/wiki/Session_Description_Protocol)), see "
                            "`kurento.Unknown` and `setLevel(0.5)`, **really**, *maybe*.\n\n"));
  EXPECT_THAT(md, HasSubstr("**Note:** Keep it short.\n\nExample:\n\n```\n"
                            "blender.addInput(player)\n```\n\n"
                            "- one\n- two [link](https://example.org/a_b)\n"));
}

TEST_F(DocEmitterTest, RstInListItemsIsFlattened) {
  loaded_ = load(idl(R"([{"name": "A", "properties": [{"name": "p", "type": "String",
                         "doc": "First ``x``.\n\n.. note:: Second."}]}])"));
  ASSERT_EQ(loaded_.messages, std::vector<std::string>{});
  const std::string md = emitDocs(*loaded_.modules.front(), DocFormat::kMarkdown).content;
  EXPECT_THAT(md, HasSubstr("`p`: `String` \xE2\x80\x94 First `x`. **Note:** Second.\n"));
}

TEST(DocFormatTest, Names) {
  EXPECT_EQ(docFormatFromName("markdown"), DocFormat::kMarkdown);
  EXPECT_EQ(docFormatFromName("md"), DocFormat::kMarkdown);
  EXPECT_EQ(docFormatFromName("html"), DocFormat::kHtml);
  EXPECT_EQ(docFormatFromName("pdf"), DocFormat::kInvalid);
}

}  // namespace
}  // namespace kmsidl::test
