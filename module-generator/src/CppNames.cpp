#include "CppNames.hpp"

#include <cctype>
#include <cstdio>

namespace kmsidl {
namespace {

const std::set<std::string>& reservedWords() {
  static const std::set<std::string> kWords = {
      // C++17 keywords and alternative tokens.
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
      "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
      "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
      "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
      "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "wchar_t", "while", "final", "override", "import", "module",
      // Macros of the C library, GLib/GStreamer and GNU mode that would break a declaration.
      "NULL", "EOF", "TRUE", "FALSE", "DEBUG", "ERROR", "MIN", "MAX", "ABS", "CLAMP", "assert",
      "errno", "stdin", "stdout", "stderr", "major", "minor", "makedev", "offsetof", "linux",
      "unix", "i386", "setjmp", "va_arg", "va_start", "va_end", "BIG_ENDIAN", "LITTLE_ENDIAN",
      "BYTE_ORDER", "PACKAGE", "VERSION", "G_LOG_DOMAIN", "INFINITY", "NAN", "signbit",
      // Namespaces and members the generated code uses unqualified.
      "std", "kms", "rapidjson", "fromJson", "toJson", "readFields", "writeFields"};
  return kWords;
}

std::string sanitized(const std::string& text) {
  std::string result;
  for (char c : text) {
    result += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  if (result.empty() || std::isdigit(static_cast<unsigned char>(result[0]))) {
    result = "k" + result;
  }
  return result;
}

// Splits at most `maxBytes` from `start`, never inside a UTF-8 sequence.
size_t chunkEnd(const std::string& text, size_t start, size_t maxBytes) {
  size_t end = std::min(text.size(), start + maxBytes);
  while (end < text.size() && end > start + 1 &&
         (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return end;
}

}  // namespace

bool isIdentifier(const std::string& text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) {
    return false;
  }
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

std::string cppIdentifier(const std::string& name, const std::set<std::string>& takenNames) {
  std::string result = isIdentifier(name) ? name : sanitized(name);
  if (reservedWords().count(result) != 0 || takenNames.count(result) != 0) {
    result += "_";
  }
  return result;
}

std::string enumeratorName(const std::string& value) {
  std::string result = isIdentifier(value) ? value : sanitized(value);
  if (reservedWords().count(result) != 0 || result == "kInvalid") {
    result += "_";
  }
  return result;
}

std::string stringLiteral(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '?':
        out += "\\?";
        break;  // no trigraph surprises in older modes
      default:
        if (c < 0x20 || c == 0x7F) {
          char octal[8];
          std::snprintf(octal, sizeof(octal), "\\%03o", c);
          out += octal;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string embeddedTextLiteral(const std::string& text, size_t maxChunkBytes) {
  const bool rawIsSafe =
      text.find('\r') == std::string::npos && text.find('\0') == std::string::npos;
  std::string delimiter = "kmd";
  for (int n = 0; text.find(")" + delimiter + "\"") != std::string::npos; ++n) {
    delimiter = "kmd" + std::to_string(n);
  }
  std::string out;
  size_t start = 0;
  do {
    const size_t end = chunkEnd(text, start, maxChunkBytes);
    const std::string chunk = text.substr(start, end - start);
    if (!out.empty()) {
      out += "\n";
    }
    out +=
        rawIsSafe ? "R\"" + delimiter + "(" + chunk + ")" + delimiter + "\"" : stringLiteral(chunk);
    start = end;
  } while (start < text.size());
  return out;
}

std::string absoluteNamespace(const std::string& cppNamespace) { return "::" + cppNamespace; }

}  // namespace kmsidl
