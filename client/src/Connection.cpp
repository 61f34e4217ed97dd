// Connection: one I/O thread runs Boost.Beast's asynchronous WebSocket (read loop, write
// queue, keep-alive timer); callers wait on a future per request id; an event thread runs
// the subscribers' callbacks.
#include <kms/client/Connection.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace kms::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr std::chrono::seconds kCloseTimeout{2};

struct Url {
  std::string host;
  std::string port;
  std::string path;
};

// "ws://host[:port][/path]" (host may be "[v6 address]").
Url parseUrl(const std::string& url) {
  const std::string scheme = "ws://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    throw Error(errors::kConnectFailed,
                "unsupported URL '" + url + "' (expected ws://host:port/path)");
  }
  const std::string rest = url.substr(scheme.size());
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  Url result{authority, "80", slash == std::string::npos ? "/" : rest.substr(slash)};
  const size_t bracket = authority.find(']');
  const size_t colon = authority.rfind(':');
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    result.host = authority.substr(0, colon);
    result.port = authority.substr(colon + 1);
  }
  if (result.host.size() > 1 && result.host.front() == '[' && result.host.back() == ']') {
    result.host = result.host.substr(1, result.host.size() - 2);
  }
  if (result.host.empty()) {
    throw Error(errors::kConnectFailed, "URL '" + url + "' names no host");
  }
  return result;
}

// The member `name` of `json` when `json` is an object that has it, else nullptr.
const Json* member(const Json& json, const char* name) {
  if (!json.IsObject()) {
    return nullptr;
  }
  auto found = json.FindMember(name);
  return found == json.MemberEnd() ? nullptr : &found->value;
}

std::string requestText(int64_t id, const std::string& method, const Json& params) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("jsonrpc");
  writer.String("2.0");
  writer.Key("id");
  writer.Int64(id);
  writer.Key("method");
  writer.String(method.c_str(), static_cast<rapidjson::SizeType>(method.size()));
  writer.Key("params");
  params.Accept(writer);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

struct Connection::Impl : std::enable_shared_from_this<Connection::Impl> {
  struct Subscription {
    std::string objectId;
    std::string type;
    EventCallback callback;
  };

  explicit Impl(const ConnectionOptions& connectionOptions)
      : options(connectionOptions), ws(io), keepAliveTimer(io) {}

  void open(const Url& url);
  void start();
  void close();

  // I/O thread.
  void readNext();
  void onMessage(const std::string& text);
  void send(std::string text);
  void writeNext();
  void scheduleKeepAlive();
  void onClosed(const std::string& reason);

  // Event thread.
  void deliverEvents();

  // Caller threads.
  int64_t registerRequest(Params& params, std::future<JsonDocument>& response);
  void forgetRequest(int64_t id);

  const ConnectionOptions options;
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer keepAliveTimer;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  beast::flat_buffer readBuffer;
  std::deque<std::string> outbox;  // I/O thread only
  bool writing = false;            // I/O thread only
  std::thread ioThread;
  std::thread eventThread;

  mutable std::mutex mutex;  // guards everything below
  std::condition_variable changed;
  bool isOpen = false;
  bool closing = false;
  std::string closedReason = "not connected";
  int64_t nextId = 0;
  int64_t nextToken = 0;
  std::string sessionId;
  std::map<int64_t, std::promise<JsonDocument>> pending;
  std::deque<JsonDocument> events;
  std::map<std::string, Subscription> subscriptions;  // by subscription id (or a local token)
};

void Connection::Impl::open(const Url& url) {
  tcp::resolver resolver(io);
  beast::error_code failure = asio::error::timed_out;
  std::string step = "resolving " + url.host;
  resolver.async_resolve(
      url.host, url.port, [&](beast::error_code ec, tcp::resolver::results_type found) {
        if (ec) {
          failure = ec;
          return;
        }
        step = "connecting to " + url.host + ":" + url.port;
        beast::get_lowest_layer(ws).async_connect(
            found, [&](beast::error_code ec, const tcp::endpoint&) {
              if (ec) {
                failure = ec;
                return;
              }
              step = "WebSocket handshake with " + url.host + ":" + url.port + url.path;
              ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
              ws.async_handshake(url.host + ":" + url.port, url.path,
                                 [&](beast::error_code ec) { failure = ec; });
            });
      });
  io.run_for(options.connectTimeoutMs);
  if (failure) {
    throw Error(errors::kConnectFailed, "cannot connect: " + step + ": " + failure.message());
  }
  io.restart();
  ws.text(true);
  std::lock_guard<std::mutex> lock(mutex);
  isOpen = true;
}

void Connection::Impl::start() {
  work.emplace(io.get_executor());
  readNext();
  scheduleKeepAlive();
  auto self = shared_from_this();
  ioThread = std::thread([self] { self->io.run(); });
  eventThread = std::thread([self] { self->deliverEvents(); });
}

void Connection::Impl::readNext() {
  ws.async_read(readBuffer, [this](beast::error_code ec, size_t) {
    if (ec) {
      onClosed(ec.message());
      return;
    }
    std::string text = beast::buffers_to_string(readBuffer.data());
    readBuffer.consume(readBuffer.size());
    onMessage(text);
    readNext();
  });
}

void Connection::Impl::onMessage(const std::string& text) {
  JsonDocument message;
  if (message.Parse(text.c_str(), text.size()).HasParseError() || !message.IsObject()) {
    std::fprintf(stderr, "kms::client: ignoring a frame that is not a JSON object\n");
    return;
  }
  std::lock_guard<std::mutex> lock(mutex);
  auto method = message.FindMember("method");
  if (method != message.MemberEnd() && method->value == "onEvent") {
    events.push_back(std::move(message));
    changed.notify_all();
    return;
  }
  auto id = message.FindMember("id");
  if (id == message.MemberEnd() || !id->value.IsInt64()) {
    return;
  }
  auto result = message.FindMember("result");
  if (result != message.MemberEnd() && result->value.IsObject()) {
    auto session = result->value.FindMember("sessionId");
    if (session != result->value.MemberEnd() && session->value.IsString()) {
      sessionId = session->value.GetString();
    }
  }
  auto waiting = pending.find(id->value.GetInt64());
  if (waiting != pending.end()) {  // absent: a keep-alive ping or a timed-out request
    waiting->second.set_value(std::move(message));
    pending.erase(waiting);
  }
}

void Connection::Impl::send(std::string text) {
  asio::post(io, [this, text = std::move(text)]() mutable {
    outbox.push_back(std::move(text));
    if (!writing) {
      writeNext();
    }
  });
}

void Connection::Impl::writeNext() {
  if (outbox.empty() || !ws.is_open()) {
    writing = false;
    return;
  }
  writing = true;
  ws.async_write(asio::buffer(outbox.front()), [this](beast::error_code ec, size_t) {
    outbox.pop_front();
    if (ec) {
      writing = false;
      onClosed(ec.message());
      return;
    }
    writeNext();
  });
}

void Connection::Impl::scheduleKeepAlive() {
  if (options.keepAliveMs.count() <= 0) {
    return;
  }
  keepAliveTimer.expires_after(options.keepAliveMs);
  keepAliveTimer.async_wait([this](beast::error_code ec) {
    if (ec) {
      return;
    }
    Params params;
    params.set("interval", static_cast<int64_t>(options.keepAliveMs.count()));
    int64_t id = 0;
    {
      std::lock_guard<std::mutex> lock(mutex);
      id = nextId++;  // no waiter: the reply is dropped
    }
    send(requestText(id, "ping", params.document()));
    scheduleKeepAlive();
  });
}

void Connection::Impl::onClosed(const std::string& reason) {
  keepAliveTimer.cancel();
  work.reset();
  beast::error_code ignored;
  beast::get_lowest_layer(ws).socket().close(ignored);
  std::lock_guard<std::mutex> lock(mutex);
  if (!isOpen) {
    return;
  }
  isOpen = false;
  closedReason = reason;
  for (auto& [id, promise] : pending) {
    promise.set_exception(
        std::make_exception_ptr(Error(errors::kConnectionClosed, "connection closed: " + reason)));
  }
  pending.clear();
  changed.notify_all();
}

void Connection::Impl::deliverEvents() {
  static const Json kNoData(rapidjson::kObjectType);
  for (;;) {
    JsonDocument event;
    std::vector<EventCallback> callbacks;
    const Json* value = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait(lock, [this] { return closing || !events.empty(); });
      if (closing) {
        return;
      }
      event = std::move(events.front());
      events.pop_front();
      const Json* params = member(event, "params");
      value = params != nullptr ? member(*params, "value") : nullptr;
      const Json* object = value != nullptr ? member(*value, "object") : nullptr;
      const Json* type = value != nullptr ? member(*value, "type") : nullptr;
      if (object == nullptr || type == nullptr) {
        continue;
      }
      for (const auto& [id, subscription] : subscriptions) {
        if (*object == subscription.objectId.c_str() && *type == subscription.type.c_str()) {
          callbacks.push_back(subscription.callback);
        }
      }
    }
    const Json* data = member(*value, "data");
    for (const auto& callback : callbacks) {
      try {
        callback(data != nullptr ? *data : kNoData);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "kms::client: an event callback failed: %s\n", error.what());
      }
    }
  }
}

int64_t Connection::Impl::registerRequest(Params& params, std::future<JsonDocument>& response) {
  std::lock_guard<std::mutex> lock(mutex);
  if (!isOpen) {
    throw Error(errors::kConnectionClosed, "connection closed: " + closedReason);
  }
  JsonDocument& document = params.document();
  if (!sessionId.empty() && !document.HasMember("sessionId")) {
    document.AddMember("sessionId", Json(sessionId.c_str(), document.GetAllocator()),
                       document.GetAllocator());
  }
  const int64_t id = nextId++;
  response = pending[id].get_future();
  return id;
}

void Connection::Impl::forgetRequest(int64_t id) {
  std::lock_guard<std::mutex> lock(mutex);
  pending.erase(id);
}

void Connection::Impl::close() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (closing) {
      return;
    }
    closing = true;
    changed.notify_all();
  }
  if (ioThread.joinable()) {
    asio::post(io, [this] {
      if (ws.is_open()) {
        ws.async_close(websocket::close_code::normal, [](beast::error_code) {});
      }
    });
    {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait_for(lock, kCloseTimeout, [this] { return !isOpen; });
    }
    io.stop();
    ioThread.join();
    onClosed("closed by the client");  // the I/O thread is gone: no race on the socket
  }
  if (eventThread.joinable()) {
    if (eventThread.get_id() == std::this_thread::get_id()) {
      eventThread.detach();  // released from a callback: the thread holds its own reference
    } else {
      eventThread.join();
    }
  }
}

Connection::Connection(const ConnectionOptions& options) : impl_(std::make_shared<Impl>(options)) {}

Connection::~Connection() { impl_->close(); }

std::shared_ptr<Connection> Connection::connect(const std::string& url,
                                                const ConnectionOptions& options) {
  std::shared_ptr<Connection> connection(new Connection(options));
  connection->impl_->open(parseUrl(url));
  connection->impl_->start();
  return connection;
}

JsonDocument Connection::call(const std::string& method, Params params) {
  std::future<JsonDocument> future;
  const int64_t id = impl_->registerRequest(params, future);
  impl_->send(requestText(id, method, params.document()));
  if (future.wait_for(impl_->options.requestTimeoutMs) != std::future_status::ready) {
    impl_->forgetRequest(id);
    throw Error(errors::kTimeout, method + ": no response within " +
                                      std::to_string(impl_->options.requestTimeoutMs.count()) +
                                      " ms");
  }
  JsonDocument response = future.get();  // throws when the connection closed
  if (const Json* error = member(response, "error")) {
    const Json* code = member(*error, "code");
    const Json* message = member(*error, "message");
    const Json* data = member(*error, "data");
    throw Error(code != nullptr && code->IsInt() ? code->GetInt() : errors::kBadResponse,
                method + ": " +
                    (message != nullptr && message->IsString() ? message->GetString()
                                                               : "error without a message"),
                data != nullptr ? jsonText(*data) : "");
  }
  const Json* result = member(response, "result");
  if (result == nullptr) {
    throw Error(errors::kBadResponse, method + ": response has neither result nor error");
  }
  JsonDocument out;
  out.CopyFrom(*result, out.GetAllocator());
  return out;
}

std::string Connection::create(const std::string& type, Params constructorParams) {
  Params params;
  params.set("type", type);
  JsonDocument& document = params.document();
  document.AddMember("constructorParams",
                     Json(constructorParams.document(), document.GetAllocator()),
                     document.GetAllocator());
  const JsonDocument result = call("create", std::move(params));
  const Json* value = member(result, "value");
  if (value == nullptr || !value->IsString()) {
    throw Error(errors::kBadResponse, "create " + type + ": the result names no object id");
  }
  return value->GetString();
}

std::string Connection::subscribe(const std::string& objectId, const std::string& type,
                                  EventCallback callback) {
  // Registered before the request so that no event sent right after the reply is missed.
  std::string token;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    token = "pending:" + std::to_string(impl_->nextToken++);
    impl_->subscriptions[token] = {objectId, type, std::move(callback)};
  }
  std::string subscriptionId;
  try {
    const JsonDocument result =
        call("subscribe", std::move(Params().set("object", objectId).set("type", type)));
    const Json* value = member(result, "value");
    if (value == nullptr || !value->IsString()) {
      throw Error(errors::kBadResponse, "subscribe " + type + ": the result names no subscription");
    }
    subscriptionId = value->GetString();
  } catch (...) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->subscriptions.erase(token);
    throw;
  }
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto node = impl_->subscriptions.extract(token);
  node.key() = subscriptionId;
  impl_->subscriptions.insert(std::move(node));
  return subscriptionId;
}

void Connection::unsubscribe(const std::string& objectId, const std::string& subscriptionId) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->subscriptions.erase(subscriptionId);
  }
  call("unsubscribe",
       std::move(Params().set("object", objectId).set("subscription", subscriptionId)));
}

std::string Connection::sessionId() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->sessionId;
}

bool Connection::isOpen() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->isOpen;
}

void Connection::close() { impl_->close(); }

}  // namespace kms::client
