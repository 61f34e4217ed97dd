// IDL `doc` strings -> blocks and inlines. The Kurento IDL writes its docs for Sphinx, so
// they may hold rst: roles (:rom:cls:`MediaPipeline`, :rom:meth:`MediaElement.connect`,
// :term:`SDP`, :wikipedia:`en,Real-time_Transport_Protocol`, :rfc:`5245`), ``literals``,
// `text <url>`_ links, **strong**, *emphasis*, bullet lists, directives (.. note::,
// .. code-block::) and literal blocks after "::". What is not understood stays plain text.
#include "DocEmitterModel.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

namespace kmsidl::doc {

Span text(std::string value) { return Span{SpanKind::kText, std::move(value), {}, false}; }
Span code(std::string value) { return Span{SpanKind::kCode, std::move(value), {}, false}; }
Span strong(std::string value) { return Span{SpanKind::kStrong, std::move(value), {}, false}; }
Span emphasis(std::string value) { return Span{SpanKind::kEmphasis, std::move(value), {}, false}; }
Span link(std::string value, LinkTarget target, bool asCode) {
  return Span{SpanKind::kLink, std::move(value), std::move(target), asCode};
}

Block heading(int level, std::string anchor, Inlines content) {
  Block block;
  block.kind = BlockKind::kHeading;
  block.level = level;
  block.anchor = std::move(anchor);
  block.content = std::move(content);
  return block;
}

Block paragraph(Inlines content) {
  Block block;
  block.kind = BlockKind::kParagraph;
  block.content = std::move(content);
  return block;
}

namespace {

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool isSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string trim(const std::string& value) {
  size_t begin = 0;
  size_t end = value.size();
  while (begin < end && isSpace(value[begin])) {
    ++begin;
  }
  while (end > begin && isSpace(value[end - 1])) {
    --end;
  }
  return value.substr(begin, end - begin);
}

// "text <target>" -> {"text", "target"}; anything else -> {value, value}.
std::pair<std::string, std::string> splitTarget(const std::string& value) {
  const std::string trimmed = trim(value);
  const size_t open = trimmed.rfind('<');
  if (!trimmed.empty() && trimmed.back() == '>' && open != std::string::npos && open > 0) {
    return {trim(trimmed.substr(0, open)), trimmed.substr(open + 1, trimmed.size() - open - 2)};
  }
  return {trimmed, trimmed};
}

bool isExternalUrl(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0 ||
         url.rfind("mailto:", 0) == 0;
}

// Roles whose text is shown as is, or as code, whatever they name.
const std::set<std::string> kTextRoles = {
    "term", "abbr", "dfn", "ref", "doc", "numref", "guilabel", "menuselection", "title-reference"};
const std::set<std::string> kCodeRoles = {"code",     "literal", "samp",   "file", "command",
                                          "envvar",   "option",  "kbd",    "math", "program",
                                          "mimetype", "regexp",  "makevar"};

class InlineParser {
 public:
  InlineParser(const std::string& source, const NameResolver& resolve)
      : s_(source), resolve_(resolve) {}

  Inlines parse() {
    while (pos_ < s_.size()) {
      if (!(tryLiteral() || tryRole() || tryInterpreted() || tryStrong() || tryEmphasis() ||
            tryUrl() || tryEscape())) {
        pending_ += s_[pos_++];
      }
    }
    flush();
    return std::move(out_);
  }

 private:
  bool startsWith(const char* prefix) const {
    return s_.compare(pos_, strlen(prefix), prefix) == 0;
  }
  bool atWordStart() const { return pos_ == 0 || !isWordChar(s_[pos_ - 1]); }

  void flush() {
    if (!pending_.empty()) {
      out_.push_back(text(std::move(pending_)));
      pending_.clear();
    }
  }
  void emit(Span span) {
    flush();
    out_.push_back(std::move(span));
  }

  // ``literal``
  bool tryLiteral() {
    if (!startsWith("``")) {
      return false;
    }
    const size_t end = s_.find("``", pos_ + 2);
    if (end == std::string::npos || end == pos_ + 2) {
      return false;
    }
    emit(code(s_.substr(pos_ + 2, end - pos_ - 2)));
    pos_ = end + 2;
    return true;
  }

  // :domain:role:`content` (any number of name components; the last one is the role)
  bool tryRole() {
    if (s_[pos_] != ':' || !atWordStart()) {
      return false;
    }
    size_t at = pos_;
    std::string role;
    while (at < s_.size() && s_[at] == ':') {
      size_t nameEnd = at + 1;
      while (nameEnd < s_.size() && (isWordChar(s_[nameEnd]) || s_[nameEnd] == '-' ||
                                     s_[nameEnd] == '+' || s_[nameEnd] == '.')) {
        ++nameEnd;
      }
      if (nameEnd == at + 1 || nameEnd >= s_.size() || s_[nameEnd] != ':') {
        break;
      }
      role = s_.substr(at + 1, nameEnd - at - 1);
      at = nameEnd;
      if (at + 1 < s_.size() && s_[at + 1] == '`') {
        const size_t end = s_.find('`', at + 2);
        if (end == std::string::npos) {
          return false;
        }
        emitRole(role, s_.substr(at + 2, end - at - 2));
        pos_ = end + 1;
        return true;
      }
    }
    return false;
  }

  void emitRole(const std::string& role, const std::string& content) {
    auto [label, target] = splitTarget(content);
    if (role == "wikipedia") {
      const size_t comma = target.find(',');
      const std::string lang = comma == std::string::npos ? "en" : target.substr(0, comma);
      const std::string title = comma == std::string::npos ? target : target.substr(comma + 1);
      std::string shown = label == target ? title : label;
      std::replace(shown.begin(), shown.end(), '_', ' ');
      emit(link(shown, {"", "", "https://" + lang + ".wikipedia.org/wiki/" + title}, false));
    } else if (role == "rfc") {
      emit(link("RFC " + target, {"", "", "https://www.rfc-editor.org/rfc/rfc" + target}, false));
    } else if (role == "strong") {
      emit(strong(label));
    } else if (role == "emphasis") {
      emit(emphasis(label));
    } else if (kTextRoles.count(role) != 0) {
      pending_ += label;
    } else if (kCodeRoles.count(role) != 0) {
      emit(code(label));
    } else {
      emitName(role, label, target);
    }
  }

  // A role or interpreted text naming an IDL entity: a link when it is known, code otherwise.
  // Sphinx's "~a.b.c" shows only "c".
  void emitName(const std::string& role, std::string label, std::string target) {
    const bool shortForm = !target.empty() && target[0] == '~';
    if (shortForm) {
      target.erase(0, 1);
      label = target.substr(target.rfind('.') == std::string::npos ? 0 : target.rfind('.') + 1);
    }
    if (const std::optional<LinkTarget> found = resolve_ ? resolve_(role, target) : std::nullopt) {
      emit(link(label, *found, true));
    } else {
      emit(code(label));
    }
  }

  // `interpreted text`, `text <url>`_ and `name`__ references
  bool tryInterpreted() {
    if (s_[pos_] != '`') {
      return false;
    }
    const size_t end = s_.find('`', pos_ + 1);
    if (end == std::string::npos || end == pos_ + 1) {
      return false;
    }
    const std::string content = s_.substr(pos_ + 1, end - pos_ - 1);
    size_t next = end + 1;
    if (next < s_.size() && s_[next] == '_') {
      next += (next + 1 < s_.size() && s_[next + 1] == '_') ? 2 : 1;
      auto [label, target] = splitTarget(content);
      if (isExternalUrl(target) && label != target) {
        emit(link(label, {"", "", target}, false));
      } else if (isExternalUrl(target)) {
        emit(link(target, {"", "", target}, false));
      } else {
        pending_ += label;
      }
    } else {
      auto [label, target] = splitTarget(content);
      emitName("", label, target);
    }
    pos_ = next;
    return true;
  }

  // **strong**
  bool tryStrong() {
    if (!startsWith("**") || pos_ + 2 >= s_.size() || isSpace(s_[pos_ + 2])) {
      return false;
    }
    const size_t end = s_.find("**", pos_ + 2);
    if (end == std::string::npos || isSpace(s_[end - 1])) {
      return false;
    }
    emit(strong(s_.substr(pos_ + 2, end - pos_ - 2)));
    pos_ = end + 2;
    return true;
  }

  // *emphasis* (not "a * b": the markers must touch the text and not sit inside a word)
  bool tryEmphasis() {
    if (s_[pos_] != '*' || !atWordStart() || pos_ + 1 >= s_.size() || isSpace(s_[pos_ + 1]) ||
        s_[pos_ + 1] == '*') {
      return false;
    }
    const size_t end = s_.find('*', pos_ + 1);
    if (end == std::string::npos || isSpace(s_[end - 1]) ||
        (end + 1 < s_.size() && isWordChar(s_[end + 1]))) {
      return false;
    }
    emit(emphasis(s_.substr(pos_ + 1, end - pos_ - 1)));
    pos_ = end + 1;
    return true;
  }

  // A bare http(s) URL, without trailing punctuation.
  bool tryUrl() {
    if (!atWordStart() || !(startsWith("http://") || startsWith("https://"))) {
      return false;
    }
    size_t end = pos_;
    while (end < s_.size() && !isSpace(s_[end]) &&
           std::string("<>\"'`()[]{}").find(s_[end]) == std::string::npos) {
      ++end;
    }
    while (end > pos_ && std::string(".,;:!?").find(s_[end - 1]) != std::string::npos) {
      --end;
    }
    const std::string url = s_.substr(pos_, end - pos_);
    emit(link(url, {"", "", url}, false));
    pos_ = end;
    return true;
  }

  // rst's backslash escape: "\*" is a literal '*'.
  bool tryEscape() {
    if (s_[pos_] != '\\' || pos_ + 1 >= s_.size()) {
      return false;
    }
    pending_ += s_[pos_ + 1];
    pos_ += 2;
    return true;
  }

  const std::string& s_;
  const NameResolver& resolve_;
  size_t pos_ = 0;
  std::string pending_;
  Inlines out_;
};

struct Line {
  size_t indent = 0;
  std::string content;  // without the indentation and trailing spaces
  bool blank() const { return content.empty(); }
};

std::vector<Line> splitLines(const std::string& value) {
  std::vector<Line> lines;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find('\n', start);
    if (end == std::string::npos) {
      end = value.size();
    }
    std::string raw = value.substr(start, end - start);
    Line line;
    while (line.indent < raw.size() && (raw[line.indent] == ' ' || raw[line.indent] == '\t')) {
      ++line.indent;
    }
    line.content = trim(raw.substr(line.indent));
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

bool isBullet(const Line& line) {
  const std::string& c = line.content;
  return c.rfind("- ", 0) == 0 || c.rfind("* ", 0) == 0 || c.rfind("+ ", 0) == 0 ||
         c.rfind("\xE2\x80\xA2 ", 0) == 0 || c == "-" || c == "*";
}

std::string bulletText(const Line& line) {
  const size_t space = line.content.find(' ');
  return space == std::string::npos ? "" : trim(line.content.substr(space + 1));
}

const std::set<std::string> kAdmonitions = {
    "note",   "warning", "important", "tip",          "caution",        "attention", "hint",
    "danger", "error",   "seealso",   "versionadded", "versionchanged", "deprecated"};
const std::set<std::string> kCodeDirectives = {"code-block", "code", "sourcecode",
                                               "literalinclude"};

class BlockParser {
 public:
  BlockParser(const std::string& source, const NameResolver& resolve)
      : lines_(splitLines(source)), resolve_(resolve) {}

  std::vector<Block> parse() {
    while (at_ < lines_.size()) {
      const Line& line = lines_[at_];
      if (line.blank()) {
        flushParagraph();
        ++at_;
      } else if (line.content.rfind("..", 0) == 0 &&
                 (line.content.size() == 2 || line.content[2] == ' ')) {
        flushParagraph();
        directive();
      } else if (isBullet(line) && paragraph_.empty()) {
        bulletList();
      } else {
        paragraphLine(line);
      }
    }
    flushParagraph();
    return std::move(blocks_);
  }

 private:
  // The lines after `at_` indented deeper than `indent` (blank lines included), dedented.
  std::string indentedBody(size_t indent) {
    std::vector<const Line*> body;
    while (at_ < lines_.size() && (lines_[at_].blank() || lines_[at_].indent > indent)) {
      body.push_back(&lines_[at_++]);
    }
    while (!body.empty() && body.back()->blank()) {
      body.pop_back();
    }
    size_t common = std::string::npos;
    for (const Line* line : body) {
      if (!line->blank()) {
        common = std::min(common, line->indent);
      }
    }
    std::string out;
    for (const Line* line : body) {
      if (!out.empty() || !line->blank()) {
        out += (line->blank() ? "" : std::string(line->indent - common, ' ') + line->content);
        out += '\n';
      }
    }
    if (!out.empty()) {
      out.pop_back();
    }
    return out;
  }

  void directive() {
    const Line line = lines_[at_++];
    const size_t marker = line.content.find("::");
    const std::string body = indentedBody(line.indent);
    if (marker == std::string::npos) {
      return;  // a comment or a hyperlink target (".. _name: url")
    }
    const std::string name = trim(line.content.substr(2, marker - 2));
    const std::string argument = trim(line.content.substr(marker + 2));
    if (kCodeDirectives.count(name) != 0) {
      blocks_.push_back(codeBlock(body));
    } else if (kAdmonitions.count(name) != 0) {
      std::string label = name == "seealso" ? "See also" : name;
      label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
      std::vector<Block> inner = BlockParser(trim(argument + "\n" + body), resolve_).parse();
      Inlines lead{strong(label + ":")};
      if (!inner.empty() && inner.front().kind == BlockKind::kParagraph) {
        lead.push_back(text(" "));
        lead.insert(lead.end(), inner.front().content.begin(), inner.front().content.end());
        inner.erase(inner.begin());
      }
      blocks_.push_back(paragraph(std::move(lead)));
      blocks_.insert(blocks_.end(), inner.begin(), inner.end());
    } else {
      // Unknown directive (image, figure, ...): keep whatever text it has.
      std::vector<Block> inner = BlockParser(trim(argument + "\n" + body), resolve_).parse();
      blocks_.insert(blocks_.end(), inner.begin(), inner.end());
    }
  }

  void bulletList() {
    Block list;
    list.kind = BlockKind::kList;
    const size_t indent = lines_[at_].indent;
    while (at_ < lines_.size() && isBullet(lines_[at_]) && lines_[at_].indent == indent) {
      std::string item = bulletText(lines_[at_++]);
      while (at_ < lines_.size() && !lines_[at_].blank() && lines_[at_].indent > indent) {
        item += " " + lines_[at_++].content;
      }
      list.items.push_back({"", InlineParser(item, resolve_).parse()});
      size_t next = at_;
      while (next < lines_.size() && lines_[next].blank()) {
        ++next;
      }
      if (next < lines_.size() && isBullet(lines_[next]) && lines_[next].indent == indent) {
        at_ = next;
      }
    }
    blocks_.push_back(std::move(list));
  }

  void paragraphLine(const Line& line) {
    std::string content = line.content;
    const size_t indent = line.indent;
    ++at_;
    const bool literalFollows =
        content.size() >= 2 && content.compare(content.size() - 2, 2, "::") == 0;
    if (!literalFollows) {
      append(content);
      return;
    }
    // "Example::" -> "Example:", "Example ::" and "::" -> "Example" and nothing.
    content.erase(content.size() - 2);
    if (!content.empty() && !isSpace(content.back())) {
      content += ':';
    }
    append(trim(content));
    flushParagraph();
    while (at_ < lines_.size() && lines_[at_].blank()) {
      ++at_;
    }
    const std::string body = indentedBody(indent);
    if (!body.empty()) {
      blocks_.push_back(codeBlock(body));
    }
  }

  void append(const std::string& content) {
    if (!content.empty()) {
      paragraph_ += (paragraph_.empty() ? "" : " ") + content;
    }
  }

  void flushParagraph() {
    if (!paragraph_.empty()) {
      blocks_.push_back(paragraph(InlineParser(paragraph_, resolve_).parse()));
      paragraph_.clear();
    }
  }

  static Block codeBlock(std::string body) {
    Block block;
    block.kind = BlockKind::kCode;
    block.code = std::move(body);
    return block;
  }

  std::vector<Line> lines_;
  const NameResolver& resolve_;
  size_t at_ = 0;
  std::string paragraph_;
  std::vector<Block> blocks_;
};

}  // namespace

std::vector<Block> parseDocText(const std::string& source, const NameResolver& resolve) {
  return BlockParser(source, resolve).parse();
}

Inlines parseDocInline(const std::string& source, const NameResolver& resolve) {
  Inlines out;
  for (Block& block : parseDocText(source, resolve)) {
    if (!out.empty()) {
      out.push_back(text(" "));
    }
    if (block.kind == BlockKind::kCode) {
      out.push_back(code(block.code));
    } else if (block.kind == BlockKind::kList) {
      for (size_t i = 0; i < block.items.size(); ++i) {
        out.push_back(text(i == 0 ? "" : "; "));
        out.insert(out.end(), block.items[i].content.begin(), block.items[i].content.end());
      }
    } else {
      out.insert(out.end(), block.content.begin(), block.content.end());
    }
  }
  return out;
}

}  // namespace kmsidl::doc
