// Text for messages. numberText writes a double without std::to_string(double), whose inline
// vsnprintf would be the one call of a module left unfortified (hardening-check).
#pragma once

#include <sstream>
#include <string>

namespace kms {

inline std::string numberText(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

}  // namespace kms
