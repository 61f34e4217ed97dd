// Small IDL texts and helpers shared by the generator tests.
#pragma once

#include "Idl.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kmsidl::test {

// A module "test" (file test.kmd.json) with the given JSON arrays.
std::string idl(const std::string& remoteClasses, const std::string& complexTypes = "[]",
                const std::string& events = "[]", const std::string& extraFields = "");

// A compact core-like module "core" (file core.kmd.json): MediaObject, MediaPipeline,
// MediaElement, PassThrough, ServerManager; MediaType, Tag, Stats, ElementStats;
// RaiseBase, Media, ElementConnected.
const std::string& coreIdl();

struct Loaded {
  std::vector<std::unique_ptr<Module>> modules;  // main first
  std::vector<std::string> messages;
};

// Parses `main` (test.kmd.json or `mainFile`) and the (file name, text) imports, validates.
Loaded load(const std::string& main,
            const std::vector<std::pair<std::string, std::string>>& imports = {},
            const std::string& mainFile = "test.kmd.json");

// The messages of load(); empty when the IDL is fine.
std::vector<std::string> errorsOf(
    const std::string& main, const std::vector<std::pair<std::string, std::string>>& imports = {});

}  // namespace kmsidl::test
