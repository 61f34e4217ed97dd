// The API reference of a module, generated from the `doc` strings of its IDL
// (`kurento-module-creator --generate-docs`, docs/api-reference.md): one page per module
// listing its remote classes, events and complex types, every type name linked to its
// definition, also on the pages of imported modules ("core.md#class-MediaObject").
#pragma once

#include "CppEmitter.hpp"
#include "Idl.hpp"

#include <cstddef>
#include <string>

namespace kmsidl {

enum class DocFormat { kInvalid = 0, kMarkdown, kHtml };

// "markdown"/"md" and "html"; kInvalid otherwise.
DocFormat docFormatFromName(const std::string& name);

// Anchors on a module's page: "class-MediaElement", "class-MediaElement-connect" (a method or
// property), "event-ElementConnected", "type-MediaType".
std::string classAnchor(const std::string& className);
std::string memberAnchor(const std::string& className, const std::string& member);
std::string eventAnchor(const std::string& eventName);
std::string typeAnchor(const std::string& typeName);

// The page of a validated module: "<name>.md" or "<name>.html". The pages of its imports are
// expected next to it (they are linked, not written).
GeneratedFile emitDocs(const Module& module, DocFormat format);

// Writes emitDocs() into `outputDir` (only when its text changed); returns the file's path.
std::string generateDocs(const Module& module, DocFormat format, const std::string& outputDir);

}  // namespace kmsidl
