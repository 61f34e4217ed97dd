// Prints a doc::Document as Markdown or as one self-contained HTML page. All text from the IDL
// goes through the format's escaping, so a doc string shows as written and cannot inject
// markup; only http(s)/mailto URLs become external links.
#include "DocEmitterModel.hpp"

#include <algorithm>
#include <cctype>

namespace kmsidl::doc {
namespace {

bool isAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool isSafeUrl(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0 ||
         url.rfind("mailto:", 0) == 0;
}

// The longest run of `c` in `value`.
size_t longestRun(const std::string& value, char c) {
  size_t longest = 0;
  size_t run = 0;
  for (char x : value) {
    run = x == c ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// ---------------------------------------------------------------------------------------------
// Markdown (CommonMark + the inline HTML anchors GitHub and most renderers accept)

std::string mdEscape(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const char previous = i > 0 ? value[i - 1] : ' ';
    const char next = i + 1 < value.size() ? value[i + 1] : ' ';
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    const bool special = std::string("\\`*[]<>|").find(c) != std::string::npos ||
                         (c == '_' && !(isAlnum(previous) && isAlnum(next))) ||
                         (c == '&' && (isAlnum(next) || next == '#'));
    if (special) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string mdCode(std::string value) {
  std::replace(value.begin(), value.end(), '\n', ' ');
  const std::string fence(longestRun(value, '`') + 1, '`');
  const bool pad = !value.empty() && (value.front() == '`' || value.back() == '`');
  return fence + (pad ? " " : "") + value + (pad ? " " : "") + fence;
}

std::string mdUrl(const std::string& url) {
  std::string out;
  for (char c : url) {
    switch (c) {
      case ' ':
        out += "%20";
        break;
      case '(':
        out += "%28";
        break;
      case ')':
        out += "%29";
        break;
      case '<':
        out += "%3C";
        break;
      case '>':
        out += "%3E";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string href(const LinkTarget& target, const char* pageExtension) {
  if (!target.url.empty()) {
    return target.url;
  }
  const std::string page = target.page.empty() ? "" : target.page + pageExtension;
  return page + (target.anchor.empty() ? "" : "#" + target.anchor);
}

std::string mdInlines(const Inlines& inlines) {
  std::string out;
  for (const Span& span : inlines) {
    switch (span.kind) {
      case SpanKind::kText:
        out += mdEscape(span.text);
        break;
      case SpanKind::kCode:
        out += mdCode(span.text);
        break;
      case SpanKind::kStrong:
        out += "**" + mdEscape(span.text) + "**";
        break;
      case SpanKind::kEmphasis:
        out += "*" + mdEscape(span.text) + "*";
        break;
      case SpanKind::kLink: {
        const std::string label = span.code ? mdCode(span.text) : mdEscape(span.text);
        if (!span.target.url.empty() && !isSafeUrl(span.target.url)) {
          out += label;
        } else {
          out += "[" + label + "](" + mdUrl(href(span.target, ".md")) + ")";
        }
        break;
      }
      case SpanKind::kInvalid:
        break;
    }
  }
  return out;
}

// Keeps a line that starts like a heading, list item or block quote a plain line.
std::string mdLineStart(std::string line) {
  if (!line.empty() && std::string("#-+=").find(line[0]) != std::string::npos) {
    return "\\" + line;
  }
  size_t digits = 0;
  while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits])) != 0) {
    ++digits;
  }
  if (digits > 0 && digits < line.size() && (line[digits] == '.' || line[digits] == ')')) {
    line.insert(digits, "\\");
  }
  return line;
}

std::string mdAnchor(const std::string& anchor) {
  return anchor.empty() ? "" : "<a id=\"" + anchor + "\"></a>";
}

std::string mdBlock(const Block& block) {
  switch (block.kind) {
    case BlockKind::kHeading:
      return std::string(static_cast<size_t>(std::clamp(block.level, 1, 6)), '#') + " " +
             mdAnchor(block.anchor) + mdInlines(block.content) + "\n\n";
    case BlockKind::kParagraph:
      return mdLineStart(mdInlines(block.content)) + "\n\n";
    case BlockKind::kList: {
      std::string out;
      for (const ListItem& item : block.items) {
        out += "- " + mdAnchor(item.anchor) + mdInlines(item.content) + "\n";
      }
      return out + "\n";
    }
    case BlockKind::kCode: {
      const std::string fence(std::max<size_t>(3, longestRun(block.code, '`') + 1), '`');
      return fence + "\n" + block.code + "\n" + fence + "\n\n";
    }
    case BlockKind::kInvalid:
      break;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// HTML

std::string htmlEscape(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string htmlInlines(const Inlines& inlines) {
  std::string out;
  for (const Span& span : inlines) {
    switch (span.kind) {
      case SpanKind::kText:
        out += htmlEscape(span.text);
        break;
      case SpanKind::kCode:
        out += "<code>" + htmlEscape(span.text) + "</code>";
        break;
      case SpanKind::kStrong:
        out += "<strong>" + htmlEscape(span.text) + "</strong>";
        break;
      case SpanKind::kEmphasis:
        out += "<em>" + htmlEscape(span.text) + "</em>";
        break;
      case SpanKind::kLink: {
        const std::string label =
            span.code ? "<code>" + htmlEscape(span.text) + "</code>" : htmlEscape(span.text);
        if (!span.target.url.empty() && !isSafeUrl(span.target.url)) {
          out += label;
        } else {
          out += "<a href=\"" + htmlEscape(href(span.target, ".html")) + "\">" + label + "</a>";
        }
        break;
      }
      case SpanKind::kInvalid:
        break;
    }
  }
  return out;
}

std::string htmlId(const std::string& anchor) {
  return anchor.empty() ? "" : " id=\"" + htmlEscape(anchor) + "\"";
}

std::string htmlBlock(const Block& block) {
  switch (block.kind) {
    case BlockKind::kHeading: {
      const std::string tag = "h" + std::to_string(std::clamp(block.level, 1, 6));
      return "<" + tag + htmlId(block.anchor) + ">" + htmlInlines(block.content) + "</" + tag +
             ">\n";
    }
    case BlockKind::kParagraph:
      return "<p>" + htmlInlines(block.content) + "</p>\n";
    case BlockKind::kList: {
      std::string out = "<ul>\n";
      for (const ListItem& item : block.items) {
        out += "<li" + htmlId(item.anchor) + ">" + htmlInlines(item.content) + "</li>\n";
      }
      return out + "</ul>\n";
    }
    case BlockKind::kCode:
      return "<pre><code>" + htmlEscape(block.code) + "</code></pre>\n";
    case BlockKind::kInvalid:
      break;
  }
  return "";
}

constexpr const char* kHtmlStyle =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;"
    "margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2328}\n"
    "code,pre{font-family:ui-monospace,'SFMono-Regular',Menlo,monospace;font-size:.9em;"
    "background:#f3f4f6;border-radius:4px}\n"
    "code{padding:.1em .3em}\npre{padding:.7em;overflow:auto}\npre code{padding:0}\n"
    "h2{border-bottom:1px solid #d0d7de;margin-top:2.5rem}\n"
    "h3{margin-top:2.2rem;border-bottom:1px solid #eaecef}\n"
    "h5{font-size:1rem;margin:1.4rem 0 .3rem}\na{color:#0969da;text-decoration:none}\n"
    "a:hover{text-decoration:underline}\nli{margin:.2rem 0}\n";

}  // namespace

std::string renderMarkdown(const Document& document) {
  std::string out;
  for (const Block& block : document.blocks) {
    out += mdBlock(block);
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  return out;
}

std::string renderHtml(const Document& document) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      htmlEscape(document.title) + "</title>\n<style>\n" + kHtmlStyle +
      "</style>\n</head>\n<body>\n<main>\n";
  for (const Block& block : document.blocks) {
    out += htmlBlock(block);
  }
  return out + "</main>\n</body>\n</html>\n";
}

}  // namespace kmsidl::doc
