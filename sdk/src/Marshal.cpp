#include <kms/sdk/Marshal.hpp>

#include <cmath>
#include <limits>

namespace kms {

void throwIllegalParam(const std::string& what, const std::string& expected, const Json& got) {
  throw KurentoException(ErrorCode::kMediaObjectIllegalParamError,
                         what + ": expected " + expected + ", got " + jsonTypeName(got));
}

std::string Marshal<std::string>::from(const Json& v, const std::string& what) {
  if (!v.IsString()) {
    throwIllegalParam(what, "a string", v);
  }
  return std::string(v.GetString(), v.GetStringLength());
}

bool Marshal<bool>::from(const Json& v, const std::string& what) {
  if (!v.IsBool()) {
    throwIllegalParam(what, "a boolean", v);
  }
  return v.GetBool();
}

int32_t Marshal<int32_t>::from(const Json& v, const std::string& what) {
  if (v.IsInt()) {
    return v.GetInt();
  }
  if (v.IsDouble() && std::trunc(v.GetDouble()) == v.GetDouble() &&
      std::fabs(v.GetDouble()) <= std::numeric_limits<int32_t>::max()) {
    return static_cast<int32_t>(v.GetDouble());
  }
  throwIllegalParam(what, "a 32-bit integer", v);
}

int64_t Marshal<int64_t>::from(const Json& v, const std::string& what) {
  if (v.IsInt64()) {
    return v.GetInt64();
  }
  if (v.IsString()) {  // Kurento clients send large integers as strings
    try {
      size_t used = 0;
      int64_t parsed = std::stoll(v.GetString(), &used);
      if (used == v.GetStringLength()) {
        return parsed;
      }
    } catch (const std::exception&) {
      // falls through to the error below
    }
  }
  throwIllegalParam(what, "a 64-bit integer", v);
}

double Marshal<double>::from(const Json& v, const std::string& what) {
  if (!v.IsNumber()) {
    throwIllegalParam(what, "a number", v);
  }
  return v.GetDouble();
}

}  // namespace kms
