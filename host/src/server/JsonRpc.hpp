// JSON-RPC 2.0 framing helpers: bounded parsing, parameter access, response writing.
#pragma once

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Json.hpp>

#include <rapidjson/stringbuffer.h>

#include <string>
#include <string_view>

namespace kms::host {

// Deeper documents are refused before anything walks them recursively.
constexpr unsigned kMaxJsonDepth = 100;

// Parses `text` iteratively (no recursion) into `document`. On failure throws
// KurentoException: kParseError for bad JSON, kInvalidRequest when nested too deeply.
void parseBounded(std::string_view text, JsonDocument& document);

// The member `name` of `params`, or null when absent.
const Json* findMember(const Json& params, const char* name);
// A required string parameter; throws kInvalidParams naming it.
std::string_view requireString(const Json& params, const char* name);
// An optional string parameter (absent or null: empty view); throws kInvalidParams when it
// is of another type.
std::string_view optionalString(const Json& params, const char* name);
// An optional object parameter; `empty` when absent or null; throws kInvalidParams otherwise.
const Json& optionalObject(const Json& params, const char* name, const Json& empty);

// Writes a complete response into `out` (cleared first).
void writeResult(rapidjson::StringBuffer& out, const Json& id, const Json& result);
void writeError(rapidjson::StringBuffer& out, const Json& id, ErrorCode code,
                const std::string& message);

}  // namespace kms::host
