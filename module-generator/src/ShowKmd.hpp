// `kurento-module-creator --show-kmd MODULE`: prints the IDL a built module library carries
// (the text the server's ServerManager.getKmd returns), read from its descriptor.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kmsidl {

// The folders searched for `libkms<name>.so` when MODULE is a module name: the entries of
// --modules-path (each ':'-separated), then $KURENTO_MODULES_PATH, then the installed modules
// folder — the server's order.
std::vector<std::string> modulesSearchPath(const std::vector<std::string>& modulesPathOptions);

// MODULE is a path to a module library (it contains '/' or ends in ".so") or a module name.
// Checks the file as the server does (ELF headers, then dlopen and the descriptor's ABI
// version) and writes the descriptor's IDL text verbatim to `out`. On failure writes one
// line "kurento-module-creator: <what>: <reason>" to `err` and returns 1; 0 on success.
int showKmd(const std::string& module, const std::vector<std::string>& folders, std::ostream& out,
            std::ostream& err);

}  // namespace kmsidl
