// The text of the files `--scaffold` writes; Scaffold.cpp fills in @Class@, @module@ and the
// other @words@, and puts kSettingsCpp and kAccessorsCpp (shared by both Impl variants) where
// @settings@ and @accessors@ stand.
#pragma once

namespace kmsidl::templates {

extern const char* const kCMakeLists;
extern const char* const kKmd;
extern const char* const kImplHpp;
extern const char* const kSettingsCpp;
extern const char* const kAccessorsCpp;
extern const char* const kImplCpp;
extern const char* const kOpenCvImplHpp;
extern const char* const kOpenCvImplCpp;
extern const char* const kTestJs;
extern const char* const kReadme;
// debian/ (ScaffoldDebian.cpp)
extern const char* const kDebianControl;
extern const char* const kDebianRules;
extern const char* const kDebianChangelog;
extern const char* const kDebianCopyright;
extern const char* const kDebianSourceFormat;

}  // namespace kmsidl::templates
