// Random identifiers for sessions, objects and subscriptions.
#pragma once

#include <string>

namespace kms::host {

// A random (version 4) UUID in canonical text form; thread-safe.
std::string newUuid();

}  // namespace kms::host
