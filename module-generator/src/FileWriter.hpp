// Writes generated files, leaving a file untouched when its content did not change (so the
// build does not recompile what the IDL change did not affect).
#pragma once

#include <string>

namespace kmsidl {

enum class WriteResult { kUnchanged, kWritten };

// Writes `content` to `path` unless the file already holds exactly that; creates the
// folder. Throws std::runtime_error naming the path when writing fails.
WriteResult writeIfChanged(const std::string& path, const std::string& content);

}  // namespace kmsidl
