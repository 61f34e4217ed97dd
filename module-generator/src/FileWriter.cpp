#include "FileWriter.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kmsidl {
namespace {

bool hasContent(const std::string& path, const std::string& content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str() == content;
}

}  // namespace

WriteResult writeIfChanged(const std::string& path, const std::string& content) {
  if (hasContent(path, content)) {
    return WriteResult::kUnchanged;
  }
  const std::filesystem::path target(path);
  std::error_code error;
  if (target.has_parent_path()) {
    std::filesystem::create_directories(target.parent_path(), error);
    if (error) {
      throw std::runtime_error(path + ": cannot create folder: " + error.message());
    }
  }
  // Write a sibling and rename, so an interrupted run never leaves half a file.
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
    }
  }
  std::filesystem::rename(temporary, target, error);
  if (error) {
    std::remove(temporary.c_str());
    throw std::runtime_error(path + ": cannot write: " + error.message());
  }
  return WriteResult::kWritten;
}

}  // namespace kmsidl
