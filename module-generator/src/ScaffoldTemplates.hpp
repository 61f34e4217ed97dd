// The text of the files `--scaffold` writes; @Class@, @module@, @MODULE@ and the @if...@
// blocks are filled in by Scaffold.cpp.
#pragma once

namespace kmsidl::templates {

extern const char* const kCMakeLists;
extern const char* const kKmd;
extern const char* const kImplHpp;
extern const char* const kImplCpp;
extern const char* const kOpenCvImplHpp;
extern const char* const kOpenCvImplCpp;
extern const char* const kTestJs;
extern const char* const kReadme;

}  // namespace kmsidl::templates
