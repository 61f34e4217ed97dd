#include "Server.hpp"

#include "EventDispatcher.hpp"
#include "HttpHandler.hpp"
#include "Metrics.hpp"
#include "ResourceUsage.hpp"
#include "ObjectRegistry.hpp"
#include "RpcHandler.hpp"
#include "SecretCheck.hpp"
#include "SessionManager.hpp"
#include "WebSocketServer.hpp"

#include <kms/sdk/Config.hpp>
#include <kms/sdk/Gst.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <thread>

#ifndef KMS_SERVER_VERSION
#define KMS_SERVER_VERSION "0.0.0"
#endif

namespace kms::host {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-server", "Server start-up and shutdown");

constexpr int kMaxIoThreads = 4;
constexpr std::chrono::milliseconds kShutdownPoll{20};
constexpr std::chrono::milliseconds kShutdownGrace{2000};

std::string trimSlashes(std::string path) {
  while (!path.empty() && path.front() == '/') {
    path.erase(path.begin());
  }
  return path;
}

std::chrono::milliseconds gcTick(std::chrono::milliseconds period) {
  return std::clamp(period / 4, std::chrono::milliseconds(100), std::chrono::milliseconds(5000));
}

}  // namespace
#define GST_CAT_DEFAULT kCat

struct Server::Impl {
  Impl(const ServerConfig& configIn, std::vector<LoadedModule> modulesIn)
      : config(configIn),
        modules(std::move(modulesIn)),
        sessions(std::chrono::seconds(std::max(config.garbageCollectorPeriodS, 0))),
        registry(config, KMS_SERVER_VERSION),
        events(sessions, metrics),
        rpc(registry, sessions, metrics, modelMutex, config.limits),
        http(metrics, sessions, registry, config.monitoring),
        secret(config.secret),
        webSockets(io, rpc, http, sessions, metrics, registry.uploads(),
                   "/" + trimSlashes(config.path), secret, config.limits.maxConnections),
        signals(io, SIGINT, SIGTERM),
        gcTimer(io),
        shutdownTimer(io) {}

  void initModules();
  int run();
  void listen();
  void printListening() const;
  void serve();
  void shutdown();
  void waitForConnectionsToClose(std::chrono::steady_clock::time_point deadline);
  void scheduleGc();
  void collectGarbage();
  bool killLimitReached();

  // Declaration order is destruction order reversed: the modules' code outlives every object.
  ServerConfig config;
  std::vector<LoadedModule> modules;
  Metrics metrics;
  SessionManager sessions;
  ObjectRegistry registry;
  EventDispatcher events;
  std::mutex modelMutex;
  RpcHandler rpc;
  HttpHandler http;
  SecretCheck secret;
  boost::asio::io_context io;
  WebSocketServer webSockets;
  boost::asio::signal_set signals;
  boost::asio::steady_timer gcTimer;
  boost::asio::steady_timer shutdownTimer;
  GMainLoop* mainLoop = nullptr;
  std::atomic<bool> stopping{false};
  int exitCode = 0;  // 1 when killLimit ended the process

  std::mutex readyMutex;
  std::condition_variable readyChanged;
  bool ready = false;
  uint16_t port = 0;
  uint16_t securePort = 0;
  uint16_t monitoringPort = 0;
};

void Server::Impl::initModules() {
  registry.setEventSink(&events);
  registry.setSessionIdsProvider([this] { return sessions.ids(); });
  registry.addObjectObserver([this](const RemoteObject& object, bool created) {
    if (!created) {
      sessions.forgetObject(object.id());
    }
  });
  for (const LoadedModule& module : modules) {
    if (module.descriptor != nullptr) {
      registry.addModule(*module.descriptor, module.path);
    }
  }
  kms::setServerContext(&registry);
  for (const LoadedModule& module : modules) {
    if (module.descriptor == nullptr || module.descriptor->init == nullptr) {
      continue;
    }
    try {
      module.descriptor->init(registry);
    } catch (const kms::ConfigError&) {
      throw;  // a module's settings are wrong: a start-up error, like the server's own
    } catch (const std::exception& e) {
      GST_ERROR("init of module %s failed: %s", module.descriptor->name, e.what());
    }
  }
}

void Server::Impl::listen() {
  port = webSockets.listen(config.bindAddress, config.port);
  registry.uploads().setPort(port);
  if (config.secure) {
    securePort = webSockets.listenTls(config.bindAddress, config.secure->port,
                                      config.secure->certificateFile, config.secure->password);
  }
  if (config.monitoring.enabled && config.monitoring.port) {
    monitoringPort = webSockets.listenMonitoring(config.monitoring.address,
                                                 *config.monitoring.port);
  }
}

void Server::Impl::printListening() const {
  const std::string path = trimSlashes(config.path);
  GST_INFO("Kurento Media Server %s listening on ws://%s:%u/%s%s", KMS_SERVER_VERSION,
           config.bindAddress.c_str(), port, path.c_str(),
           secret.required() ? " (shared secret required)" : "");
  if (monitoringPort != 0) {
    std::printf("Kurento Media Server serving /healthz and /metrics on http://%s:%u\n",
                config.monitoring.address.c_str(), monitoringPort);
  }
  std::printf("Kurento Media Server listening on ws://%s:%u/%s\n", config.bindAddress.c_str(),
              port, path.c_str());
  if (config.secure) {
    std::printf("Kurento Media Server listening on wss://%s:%u/%s\n",
                config.bindAddress.c_str(), securePort, path.c_str());
  }
  std::fflush(stdout);
}

int Server::Impl::run() {
  try {
    listen();
  } catch (const std::exception& e) {
    GST_ERROR("%s", e.what());
    std::fprintf(stderr, "kurento-media-server: %s\n", e.what());
    webSockets.stop();
    {
      std::lock_guard<std::mutex> lock(readyMutex);
      ready = true;
      port = 0;
    }
    readyChanged.notify_all();
    return 1;
  }
  printListening();
  signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (!ec) {
      GST_INFO("signal %d received", signal);
      shutdown();
    }
  });
  scheduleGc();
  serve();
  return exitCode;
}

void Server::Impl::serve() {
  mainLoop = g_main_loop_new(nullptr, FALSE);
  std::thread glibThread([loop = mainLoop] { g_main_loop_run(loop); });
  {
    std::lock_guard<std::mutex> lock(readyMutex);
    ready = true;
  }
  readyChanged.notify_all();

  auto runIo = [this] {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        GST_ERROR("uncaught exception in an I/O handler: %s", e.what());
      }
    }
  };
  const int threadCount = std::clamp(config.threads, 1, kMaxIoThreads);
  std::vector<std::thread> ioThreads;
  for (int i = 1; i < threadCount; ++i) {
    ioThreads.emplace_back(runIo);
  }
  runIo();
  for (std::thread& thread : ioThreads) {
    thread.join();
  }
  // Quit from inside the loop: safe even if the loop had not started running yet.
  g_idle_add(
      [](gpointer loop) {
        g_main_loop_quit(static_cast<GMainLoop*>(loop));
        return G_SOURCE_REMOVE;
      },
      mainLoop);
  glibThread.join();
  g_main_loop_unref(mainLoop);
  mainLoop = nullptr;
  GST_INFO("shutdown complete");
}

void Server::Impl::shutdown() {
  if (stopping.exchange(true)) {
    return;
  }
  GST_INFO("shutting down: closing connections and releasing every object");
  boost::system::error_code ignored;
  signals.cancel(ignored);
  gcTimer.cancel();
  webSockets.stop();
  {
    std::lock_guard<std::mutex> lock(modelMutex);
    registry.releaseAll();
  }
  waitForConnectionsToClose(std::chrono::steady_clock::now() + kShutdownGrace);
}

// Lets the close handshakes finish, then stops the I/O threads.
void Server::Impl::waitForConnectionsToClose(std::chrono::steady_clock::time_point deadline) {
  if (metrics.connections() <= 0 || std::chrono::steady_clock::now() >= deadline) {
    io.stop();
    return;
  }
  shutdownTimer.expires_after(kShutdownPoll);
  shutdownTimer.async_wait([this, deadline](const boost::system::error_code&) {
    waitForConnectionsToClose(deadline);
  });
}

void Server::Impl::scheduleGc() {
  gcTimer.expires_after(gcTick(sessions.gcPeriod()));
  gcTimer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping) {
      return;
    }
    collectGarbage();
    if (killLimitReached()) {
      exitCode = 1;
      shutdown();
      return;
    }
    scheduleGc();
  });
}

// Kurento's killLimit: with no object alive and the process still above that share of its
// file/thread limits, something leaks; exit so that systemd (Restart=on-failure) restarts it.
bool Server::Impl::killLimitReached() {
  if (config.killLimit <= 0.0) {
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(modelMutex);
    if (registry.objectCount() > 1) {  // the ServerManager is always there
      return false;
    }
  }
  const double usage = resourceUsageFraction();
  if (usage <= config.killLimit) {
    return false;
  }
  GST_ERROR("no object is alive but the process uses %d%% of its file/thread limits "
            "(killLimit %d%%): exiting with status 1 so that the service is restarted",
            static_cast<int>(usage * 100), static_cast<int>(config.killLimit * 100));
  return true;
}

void Server::Impl::collectGarbage() {
  std::vector<std::string> objectIds = sessions.collectExpired(std::chrono::steady_clock::now());
  if (objectIds.empty()) {
    return;
  }
  std::lock_guard<std::mutex> lock(modelMutex);
  for (const std::string& id : objectIds) {
    if (!registry.tryFind(id)) {
      continue;  // already released (e.g. with its parent)
    }
    try {
      registry.release(id);
    } catch (const std::exception& e) {
      GST_WARNING("garbage collection of %s failed: %s", id.c_str(), e.what());
    }
  }
}

Server::Server(const ServerConfig& config, std::vector<LoadedModule> modules)
    : impl_(std::make_unique<Impl>(config, std::move(modules))) {
  impl_->initModules();
}

Server::~Server() {
  {
    std::lock_guard<std::mutex> lock(impl_->modelMutex);
    impl_->registry.releaseAll();
  }
  kms::setServerContext(nullptr);
}

int Server::run() { return impl_->run(); }

void Server::stop() {
  boost::asio::post(impl_->io, [impl = impl_.get()] { impl->shutdown(); });
}

uint16_t Server::waitUntilListening(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(impl_->readyMutex);
  impl_->readyChanged.wait_for(lock, timeout, [this] { return impl_->ready; });
  return impl_->ready ? impl_->port : 0;
}

uint16_t Server::tlsPort() const {
  std::lock_guard<std::mutex> lock(impl_->readyMutex);
  return impl_->securePort;
}

ObjectRegistry& Server::registry() { return impl_->registry; }

std::string Server::handleRequest(const std::shared_ptr<ClientConnection>& connection,
                                  std::string_view text) {
  return impl_->rpc.handle(connection, text);
}

}  // namespace kms::host
