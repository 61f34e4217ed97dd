// The neutral document the API-reference emitter builds (DocEmitter.cpp), the parser of IDL
// `doc` strings fills (DocEmitterMarkup.cpp) and the Markdown and HTML renderers print
// (DocEmitterRender.cpp). Only the doc emitter uses these types.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kmsidl::doc {

// Where a link points: an anchor on a module's page, or an external URL.
struct LinkTarget {
  std::string page;    // the module whose page holds `anchor`; empty: the page being written
  std::string anchor;  // without '#'
  std::string url;     // an external http(s)/mailto link; then `page` and `anchor` are empty
};

enum class SpanKind { kInvalid = 0, kText, kCode, kStrong, kEmphasis, kLink };

struct Span {
  SpanKind kind = SpanKind::kInvalid;
  std::string text;
  LinkTarget target;  // kLink
  bool code = false;  // kLink: the text is shown as code (a type or member name)
};
using Inlines = std::vector<Span>;

enum class BlockKind { kInvalid = 0, kHeading, kParagraph, kList, kCode };

struct ListItem {
  std::string anchor;  // optional
  Inlines content;
};

struct Block {
  BlockKind kind = BlockKind::kInvalid;
  int level = 0;                // kHeading: 1..6
  std::string anchor;           // kHeading, optional
  Inlines content;              // kHeading, kParagraph
  std::vector<ListItem> items;  // kList
  std::string code;             // kCode
};

struct Document {
  std::string title;
  std::vector<Block> blocks;
};

// Span and block builders.
Span text(std::string value);
Span code(std::string value);
Span strong(std::string value);
Span emphasis(std::string value);
Span link(std::string value, LinkTarget target, bool asCode);
Block heading(int level, std::string anchor, Inlines content);
Block paragraph(Inlines content);

// Finds what a name written in a doc string refers to. `role` is the rst role without its
// domain ("cls" for ":rom:cls:"), empty for `interpreted text`; `name` is the role's target
// ("MediaPipeline", "kurento.MediaElement.connect"). Null when it names nothing known.
using NameResolver =
    std::function<std::optional<LinkTarget>(const std::string& role, const std::string& name)>;

// A doc string (plain text with Sphinx/rst markup: roles such as :rom:cls:`X`, ``literal``,
// `text <url>`_, **strong**, *emphasis*, bullet lists, `.. note::` and literal blocks) as
// blocks. Roles that name a known type or member become links; other roles keep their text.
std::vector<Block> parseDocText(const std::string& text, const NameResolver& resolve);

// The same as one run of inlines (blocks joined by a space), for list items.
Inlines parseDocInline(const std::string& text, const NameResolver& resolve);

// Markdown: headings carry `<a id="...">` anchors, links to other modules' pages point at
// "<module>.md#anchor". Text is escaped so no doc string can inject markup.
std::string renderMarkdown(const Document& document);

// One self-contained HTML page (inline style, no scripts); every text is HTML-escaped, links
// to other modules' pages point at "<module>.html#anchor", and only http(s)/mailto URLs
// become external links.
std::string renderHtml(const Document& document);

}  // namespace kmsidl::doc
