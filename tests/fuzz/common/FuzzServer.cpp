#include "FuzzServer.hpp"

#include "config/ServerConfig.hpp"
#include "loader/ModuleLoader.hpp"
#include "server/ObjectRegistry.hpp"

#include <kms/sdk/Json.hpp>
#include <kms/sdk/RemoteObject.hpp>

#include <gst/gst.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#ifndef KMS_FUZZ_MODULES_DIR
#error "KMS_FUZZ_MODULES_DIR must name the modules folder of the build"
#endif

namespace kms::fuzz {

namespace {

[[noreturn]] void die(const std::string& why, std::string_view text) {
  std::fprintf(stderr, "fuzz: %s\n--- text ---\n%.*s\n", why.c_str(), static_cast<int>(text.size()),
               text.data());
  std::abort();
}

void checkResponse(std::string_view request, const std::string& response) {
  JsonDocument document;
  document.Parse(response.data(), response.size());
  if (document.HasParseError() || !document.IsObject()) {
    die("the response is not a JSON object: " + response, request);
  }
  auto version = document.FindMember("jsonrpc");
  if (version == document.MemberEnd() || !version->value.IsString() ||
      std::string_view(version->value.GetString()) != "2.0") {
    die("the response has no \"jsonrpc\":\"2.0\": " + response, request);
  }
  const bool hasResult = document.HasMember("result");
  auto error = document.FindMember("error");
  const bool hasError = error != document.MemberEnd();
  if (hasResult == hasError) {
    die("a response needs exactly one of result and error: " + response, request);
  }
  if (hasError && (!error->value.IsObject() || !error->value.HasMember("code") ||
                   !error->value["code"].IsInt() || !error->value.HasMember("message") ||
                   !error->value["message"].IsString())) {
    die("the error has no integer code and string message: " + response, request);
  }
}

}  // namespace

FuzzServer& FuzzServer::get() {
  // Never destroyed: the fuzzer ends the process with exit() while the server's threads run.
  static FuzzServer* instance = new FuzzServer();
  return *instance;
}

FuzzServer::FuzzServer() {
  gst_init(nullptr, nullptr);
  host::ServerConfig config;
  config.bindAddress = "127.0.0.1";
  config.port = 0;
  config.threads = 1;
  // Objects of WebSocket clients that the HTTP target opens and drops go soon.
  config.garbageCollectorPeriodS = 5;
  config.modulesConfigPath = "";
  static host::ServerConfig kept = config;  // the registry keeps a reference
  host::ModuleLoader loader;
  std::vector<host::LoadedModule> modules = loader.loadAll({KMS_FUZZ_MODULES_DIR});
  if (modules.empty()) {
    std::fprintf(stderr, "fuzz: no module loaded from %s\n", KMS_FUZZ_MODULES_DIR);
    std::abort();
  }
  server_ = std::make_unique<host::Server>(kept, std::move(modules));
  server_->registry().addObjectObserver([this](const RemoteObject& object, bool created) {
    std::lock_guard<std::mutex> lock(createdMutex_);
    if (created) {
      created_.push_back(object.id());
    } else {
      created_.erase(std::remove(created_.begin(), created_.end(), object.id()), created_.end());
    }
  });
  std::thread([server = server_.get()] { server->run(); }).detach();
  port_ = server_->waitUntilListening(std::chrono::seconds(30));
  if (port_ == 0) {
    std::fprintf(stderr, "fuzz: the server did not start listening\n");
    std::abort();
  }
}

std::string FuzzServer::request(const std::shared_ptr<host::ClientConnection>& connection,
                                std::string_view text) {
  std::string response = server_->handleRequest(connection, text);
  if (!response.empty()) {
    checkResponse(text, response);
  }
  return response;
}

std::vector<std::string> FuzzServer::takeCreated() {
  std::lock_guard<std::mutex> lock(createdMutex_);
  std::vector<std::string> ids;
  ids.swap(created_);
  return ids;
}

ObjectScope::ObjectScope(FuzzServer& server) : server_(server) {
  static const std::shared_ptr<NullConnection> connection = std::make_shared<NullConnection>();
  connection_ = connection;
  server_.takeCreated();
}

ObjectScope::~ObjectScope() {
  collect();
  // Children go with their parent; releasing them again just answers "not found".
  for (const std::string& id : ids_) {
    server_.request(connection_, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"release\","
                                 "\"params\":{\"object\":" + jsonString(id) + "}}");
  }
}

void ObjectScope::collect() {
  for (std::string& id : server_.takeCreated()) {
    ids_.push_back(std::move(id));
  }
}

std::string ObjectScope::substitute(std::string_view text) {
  collect();
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
      const size_t n = static_cast<size_t>(text[i + 1] - '0');
      if (n < ids_.size()) {
        out += ids_[n];
        ++i;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string ObjectScope::request(std::string_view text) {
  return server_.request(connection_, substitute(text));
}

std::string jsonString(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

int errorCodeOf(const std::string& response) {
  JsonDocument document;
  document.Parse(response.data(), response.size());
  if (!document.IsObject() || !document.HasMember("error")) {
    return 0;
  }
  return document["error"]["code"].GetInt();
}

}  // namespace kms::fuzz
