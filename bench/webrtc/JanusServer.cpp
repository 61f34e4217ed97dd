#include "JanusServer.hpp"

#include "BenchPorts.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kms::bench {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr const char* kLibDir = "/usr/lib/x86_64-linux-gnu/janus";

// Only the streaming plugin and the HTTP transport are in the folders janus loads from.
void linkOnly(const fs::path& folder, const std::string& library, const std::string& kind) {
  fs::create_directories(folder);
  const fs::path source = fs::path(kLibDir) / kind / library;
  if (!fs::exists(source)) {
    throw std::runtime_error(source.string() + " is missing: apt-get install janus");
  }
  fs::create_symlink(source, folder / library);
}

std::string jsonString(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  if (document.HasParseError() || !document.IsObject()) {
    throw std::runtime_error("janus sent no JSON object: " + text.substr(0, 200));
  }
  return document;
}

std::string httpRequest(int port, http::verb verb, const std::string& target,
                        const std::string& body) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect(
      tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  http::request<http::string_body> request(verb, target, 11);
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  http::read(socket, buffer, parser);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  if (parser.get().result_int() != 200) {
    throw std::runtime_error("janus HTTP " + std::to_string(parser.get().result_int()) + " for " +
                             target);
  }
  return parser.get().body();
}

}  // namespace

JanusServer::JanusServer(int rtpPort) {
  char pattern[] = "/tmp/kms-janus-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    throw std::runtime_error("cannot make a temporary directory for janus");
  }
  dir_ = pattern;
  logPath_ = dir_ + "/janus.log";
  httpPort_ = freeTcpPort();
  writeConfig(rtpPort);
  const char* binary = std::getenv("JANUS_BINARY");
  const std::string program = binary != nullptr ? binary : "janus";
  const std::string config = dir_ + "/janus.jcfg";
  pid_ = ::fork();
  if (pid_ < 0) {
    throw std::runtime_error("cannot fork janus");
  }
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a bench killed by a timeout takes janus with it
    const int log = ::open(logPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::execlp(program.c_str(), program.c_str(), "-C", config.c_str(), "-F", dir_.c_str(),
             "--disable-colors", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  try {
    waitUntilUp();
  } catch (...) {
    const std::string tail = logTail();
    this->~JanusServer();
    throw std::runtime_error("janus did not start (apt-get install janus?): " + tail);
  }
}

JanusServer::~JanusServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  std::error_code ignored;
  if (!dir_.empty()) {
    fs::remove_all(dir_, ignored);
    dir_.clear();
  }
}

// The Debian defaults where the comparison does not need another value (logging level 4, its
// own DTLS certificate); sessions never time out (the viewers send no keep-alives); ICE on
// loopback only, like our server's in the bench.
void JanusServer::writeConfig(int rtpPort) {
  linkOnly(fs::path(dir_) / "plugins", "libjanus_streaming.so", "plugins");
  linkOnly(fs::path(dir_) / "transports", "libjanus_http.so", "transports");
  fs::create_directories(fs::path(dir_) / "none");
  std::ofstream(dir_ + "/janus.jcfg")
      << "general: {\n  configs_folder = \"" << dir_ << "\"\n  plugins_folder = \"" << dir_
      << "/plugins\"\n  transports_folder = \"" << dir_ << "/transports\"\n  events_folder = \""
      << dir_ << "/none\"\n  loggers_folder = \"" << dir_ << "/none\"\n  debug_level = 4\n"
      << "  session_timeout = 0\n}\n"
      << "certificates: {\n}\nmedia: {\n}\n"
      << "nat: {\n  nice_debug = false\n  ice_enforce_list = \"lo\"\n}\n"
      << "plugins: {\n}\ntransports: {\n}\nloggers: {\n}\nevents: {\n}\n";
  std::ofstream(dir_ + "/janus.transport.http.jcfg")
      << "general: {\n  json = \"compact\"\n  base_path = \"/janus\"\n  http = true\n  port = "
      << httpPort_ << "\n  ip = \"127.0.0.1\"\n  https = false\n}\n"
      << "admin: {\n  admin_http = false\n  admin_https = false\n}\n";
  std::ofstream(dir_ + "/janus.plugin.streaming.jcfg")
      << "general: {\n}\nbench: {\n  type = \"rtp\"\n  id = 1\n  description = \"bench\"\n"
      << "  media = (\n    { type = \"video\" mid = \"v\" port = " << rtpPort
      << " pt = 96 codec = \"vp8\" }\n  )\n}\n";
}

void JanusServer::waitUntilUp() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("janus exited");
    }
    try {
      const std::string info = httpRequest(httpPort_, http::verb::get, "/janus/info", "");
      if (info.find("janus.plugin.streaming") != std::string::npos) {
        return;
      }
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("janus's HTTP API did not answer in 20 s");
}

std::string JanusServer::logTail() const {
  std::ifstream log(logPath_);
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

JanusViewerSession::JanusViewerSession(int httpPort) : port_(httpPort) {
  const std::string created = post("/janus", R"({"janus":"create","transaction":"c"})");
  session_ = parse(created)["data"]["id"].GetUint64();
  const std::string attached =
      post("/janus/" + std::to_string(session_),
           R"({"janus":"attach","plugin":"janus.plugin.streaming","transaction":"a"})");
  handle_ = parse(attached)["data"]["id"].GetUint64();
}

JanusViewerSession::~JanusViewerSession() {
  try {
    post("/janus/" + std::to_string(session_), R"({"janus":"destroy","transaction":"d"})");
  } catch (const std::exception&) {
    // janus is gone already: nothing to release
  }
}

std::string JanusViewerSession::post(const std::string& path, const std::string& body) {
  const std::string reply = httpRequest(port_, http::verb::post, path, body);
  rapidjson::Document document = parse(reply);
  if (document.HasMember("error")) {
    throw std::runtime_error("janus refused " + body.substr(0, 80) + ": " + reply);
  }
  return reply;
}

// The next event of the session (long poll, at most 30 s).
std::string JanusViewerSession::nextEvent() {
  return httpRequest(
      port_, http::verb::get,
      "/janus/" + std::to_string(session_) + "?maxev=1&rid=" + std::to_string(++transaction_), "");
}

std::string JanusViewerSession::watch(int id) {
  post("/janus/" + std::to_string(session_) + "/" + std::to_string(handle_),
       R"({"janus":"message","transaction":"w","body":{"request":"watch","id":)" +
           std::to_string(id) + "}}");
  for (int attempt = 0; attempt < 5; ++attempt) {
    const std::string event = nextEvent();
    rapidjson::Document document = parse(event);
    if (document.HasMember("jsep") && document["jsep"].HasMember("sdp")) {
      return document["jsep"]["sdp"].GetString();
    }
    if (event.find("\"error\"") != std::string::npos) {
      throw std::runtime_error("janus refused watch: " + event);
    }
  }
  throw std::runtime_error("janus sent no offer for watch");
}

void JanusViewerSession::start(const std::string& answerSdp) {
  post("/janus/" + std::to_string(session_) + "/" + std::to_string(handle_),
       R"({"janus":"message","transaction":"s","body":{"request":"start"},)"
       R"("jsep":{"type":"answer","sdp":)" +
           jsonString(answerSdp) + "}}");
}

void JanusViewerSession::trickle(unsigned mline, const std::string& candidate) {
  const std::string body =
      candidate.empty()
          ? std::string(R"({"janus":"trickle","transaction":"t","candidate":{"completed":true}})")
          : R"({"janus":"trickle","transaction":"t","candidate":{"candidate":)" +
                jsonString(candidate) + R"(,"sdpMLineIndex":)" + std::to_string(mline) + "}}";
  post("/janus/" + std::to_string(session_) + "/" + std::to_string(handle_), body);
}

}  // namespace kms::bench
