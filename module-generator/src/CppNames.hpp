// Spelling IDL names and values as C++: identifiers that avoid keywords and macros,
// string literals, and the raw literal that embeds the IDL text.
#pragma once

#include <set>
#include <string>

namespace kmsidl {

// Letters, digits and '_', not starting with a digit.
bool isIdentifier(const std::string& text);

// `name` as a C++ identifier: `name_` when it is a keyword, a common macro, a name the
// generated code itself uses, or one of `takenNames` (type names visible in the namespace).
std::string cppIdentifier(const std::string& name, const std::set<std::string>& takenNames = {});

// An IDL enum value as a C++ enumerator (never "kInvalid", keywords or macros).
std::string enumeratorName(const std::string& value);

// `"text"` with C++ escapes.
std::string stringLiteral(const std::string& text);

// The text as one or more adjacent raw string literals (each under `maxChunkBytes`),
// with a delimiter that does not occur in the text; falls back to escaped literals for
// text a raw literal cannot hold verbatim (carriage returns, NUL).
std::string embeddedTextLiteral(const std::string& text, size_t maxChunkBytes = 60000);

// "kurento::core" -> "::kurento::core" ; used to refer to another module's namespace.
std::string absoluteNamespace(const std::string& cppNamespace);

}  // namespace kmsidl
