// The id of a request that is not parsed whole (a message over maxMessageBytes is discarded
// as it arrives): found among the first top-level members of its first bytes, or as its last
// member ('..."id":7}', where kurento-client puts it).
#pragma once

#include <kms/sdk/Json.hpp>

#include <string_view>

namespace kms::host {

// Sets `id` (a number or a string) and returns true when found; leaves it untouched otherwise.
bool recoverRequestId(std::string_view head, std::string_view tail, JsonDocument& id);

}  // namespace kms::host
