// JSON types shared by the host, the generated code and the modules (RapidJSON).
#pragma once

#ifndef RAPIDJSON_HAS_STDSTRING
#define RAPIDJSON_HAS_STDSTRING 1
#endif
#include <rapidjson/document.h>

#include <string>

namespace kms {

using Json = rapidjson::Value;
using JsonDocument = rapidjson::Document;
using JsonAllocator = rapidjson::Document::AllocatorType;

// Compact JSON text of a value.
std::string toJsonString(const Json& value);

// Human name of a JSON value's type ("string", "number", ...), for error messages.
const char* jsonTypeName(const Json& value);

}  // namespace kms
