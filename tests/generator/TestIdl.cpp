#include "TestIdl.hpp"

#include "IdlParser.hpp"
#include "IdlValidator.hpp"

namespace kmsidl::test {

std::string idl(const std::string& remoteClasses, const std::string& complexTypes,
                const std::string& events, const std::string& extraFields) {
  return R"({"name": "test", "version": "1.0.0", "kurentoVersion": "^7.0.0", )" + extraFields +
         R"("remoteClasses": )" + remoteClasses + R"(, "complexTypes": )" + complexTypes +
         R"(, "events": )" + events + "}";
}

const std::string& coreIdl() {
  static const std::string kText = R"({
  "name": "core", "version": "7.3.0", "kurentoVersion": "^7.0.0", "imports": [],
  "code": {"implementation": {"cppNamespace": "kurento", "lib": "libkmscore"}},
  "remoteClasses": [
    {"name": "MediaObject", "abstract": true,
     "properties": [
       {"name": "mediaPipeline", "type": "MediaPipeline", "final": true},
       {"name": "name", "type": "String"},
       {"name": "creationTime", "type": "int", "final": true}],
     "methods": [
       {"name": "addTag", "params": [{"name": "key", "type": "String"},
                                     {"name": "value", "type": "String"}]},
       {"name": "getTags", "params": [], "return": {"type": "Tag[]"}}],
     "events": ["Error"]},
    {"name": "MediaPipeline", "extends": "MediaObject", "constructor": {"params": []},
     "properties": [{"name": "latencyStats", "type": "boolean"}]},
    {"name": "MediaElement", "extends": "MediaObject", "abstract": true,
     "methods": [
       {"name": "connect", "params": [
         {"name": "sink", "type": "MediaElement"},
         {"name": "mediaType", "type": "MediaType", "optional": true},
         {"name": "sinkMediaDescription", "type": "String", "optional": true}]},
       {"name": "isMediaFlowingIn", "params": [
         {"name": "mediaType", "type": "MediaType"},
         {"name": "sinkMediaDescription", "type": "String", "optional": true,
          "defaultValue": "default"}], "return": {"type": "boolean"}},
       {"name": "getStats", "params": [{"name": "mediaType", "type": "MediaType",
                                        "optional": true}], "return": {"type": "Stats<>"}}],
     "events": ["ElementConnected"]},
    {"name": "PassThrough", "extends": "MediaElement",
     "constructor": {"params": [{"name": "mediaPipeline", "type": "MediaPipeline"}]}},
    {"name": "ServerManager", "extends": "MediaObject", "abstract": true,
     "properties": [{"name": "sessions", "type": "String[]", "readOnly": true},
                    {"name": "usedMemory", "type": "int64", "readOnly": true}]}
  ],
  "complexTypes": [
    {"name": "MediaType", "typeFormat": "ENUM", "values": ["AUDIO", "DATA", "VIDEO"]},
    {"name": "Tag", "typeFormat": "REGISTER", "properties": [
      {"name": "key", "type": "String"}, {"name": "value", "type": "String"}]},
    {"name": "ElementStats", "typeFormat": "REGISTER", "extends": "Stats", "properties": [
      {"name": "inputAudioLatency", "type": "double", "optional": true}]},
    {"name": "Stats", "typeFormat": "REGISTER", "properties": [
      {"name": "id", "type": "String"}, {"name": "timestampMillis", "type": "int64"}]}
  ],
  "events": [
    {"name": "RaiseBase", "properties": [{"name": "source", "type": "MediaObject"},
                                          {"name": "tags", "type": "Tag[]"}]},
    {"name": "Error", "extends": "RaiseBase", "properties": [
      {"name": "description", "type": "String"}, {"name": "errorCode", "type": "int"},
      {"name": "type", "type": "String"}]},
    {"name": "Media", "extends": "RaiseBase", "properties": [{"name": "type", "type": "String"}]},
    {"name": "ElementConnected", "extends": "Media", "properties": [
      {"name": "sink", "type": "MediaElement"}, {"name": "mediaType", "type": "MediaType"},
      {"name": "sinkMediaDescription", "type": "String"}]}
  ]
})";
  return kText;
}

Loaded load(const std::string& main,
            const std::vector<std::pair<std::string, std::string>>& imports,
            const std::string& mainFile) {
  Loaded loaded;
  Diagnostics diagnostics;
  if (auto module = parseModule(main, mainFile, diagnostics)) {
    loaded.modules.push_back(std::move(module));
  }
  for (const auto& [file, text] : imports) {
    if (auto module = parseModule(text, file, diagnostics)) {
      loaded.modules.push_back(std::move(module));
    }
  }
  if (diagnostics.ok()) {
    validateModules(loaded.modules, diagnostics);
  }
  loaded.messages = diagnostics.messages();
  return loaded;
}

std::vector<std::string> errorsOf(const std::string& main,
                                  const std::vector<std::pair<std::string, std::string>>& imports) {
  return load(main, imports).messages;
}

}  // namespace kmsidl::test
