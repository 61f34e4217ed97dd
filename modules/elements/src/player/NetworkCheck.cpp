#include "NetworkCheck.hpp"

#include <gio/gio.h>

#include <memory>

namespace kurento::player {

namespace {

template <typename T>
struct GObjectDeleter {
  void operator()(T* object) const {
    if (object != nullptr) {
      g_object_unref(object);
    }
  }
};
template <typename T>
using Owned = std::unique_ptr<T, GObjectDeleter<T>>;

struct Target {
  std::string scheme;
  std::string host;
  int port = -1;
  bool tls = false;
};

int defaultPort(const std::string& scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  if (scheme == "rtsp" || scheme == "rtspt") return 554;
  if (scheme == "rtsps") return 322;
  return -1;
}

bool parse(const std::string& uri, Target& target) {
  GUri* parsed = g_uri_parse(uri.c_str(), G_URI_FLAGS_NONE, nullptr);
  if (parsed == nullptr || g_uri_get_host(parsed) == nullptr) {
    if (parsed != nullptr) {
      g_uri_unref(parsed);
    }
    return false;
  }
  target.scheme = g_uri_get_scheme(parsed);
  target.host = g_uri_get_host(parsed);
  target.port = g_uri_get_port(parsed) > 0 ? g_uri_get_port(parsed) : defaultPort(target.scheme);
  target.tls = target.scheme == "https" || target.scheme == "rtsps";
  g_uri_unref(parsed);
  return target.port > 0;
}

std::string said(GError* error) {
  std::string text = error != nullptr && error->message != nullptr ? error->message : "?";
  g_clear_error(&error);
  return text;
}

std::string resolve(const Target& target, GCancellable* cancel) {
  Owned<GResolver> resolver(g_resolver_get_default());
  GError* error = nullptr;
  GList* addresses = g_resolver_lookup_by_name(resolver.get(), target.host.c_str(), cancel, &error);
  if (addresses == nullptr) {
    return "cannot resolve host '" + target.host + "': " + said(error);
  }
  g_resolver_free_addresses(addresses);
  return "";
}

std::string handshake(GIOStream* connection, const Target& target,
                      const NetworkCheckOptions& options) {
  GError* error = nullptr;
  Owned<GSocketConnectable> identity(g_network_address_new(target.host.c_str(), target.port));
  Owned<GIOStream> tls(g_tls_client_connection_new(connection, identity.get(), &error));
  if (!tls) {
    return "TLS is not available (" + said(error) + ")";
  }
  if (!options.caFile.empty()) {
    Owned<GTlsDatabase> database(g_tls_file_database_new(options.caFile.c_str(), &error));
    if (!database) {
      return "cannot read the CA file '" + options.caFile + "': " + said(error);
    }
    g_tls_connection_set_database(G_TLS_CONNECTION(tls.get()), database.get());
  }
  if (!g_tls_connection_handshake(G_TLS_CONNECTION(tls.get()), options.cancel, &error)) {
    return "TLS handshake with " + target.host + ":" + std::to_string(target.port) +
           " failed: " + said(error);
  }
  return "";
}

std::string connect(const Target& target, const NetworkCheckOptions& options) {
  Owned<GSocketClient> client(g_socket_client_new());
  g_socket_client_set_timeout(client.get(), static_cast<guint>((options.timeoutMs + 999) / 1000));
  GError* error = nullptr;
  Owned<GSocketConnection> connection(g_socket_client_connect_to_host(
      client.get(), target.host.c_str(), static_cast<guint16>(target.port), options.cancel, &error));
  if (!connection) {
    return "cannot connect to " + target.host + ":" + std::to_string(target.port) + ": " +
           said(error);
  }
  return target.tls ? handshake(G_IO_STREAM(connection.get()), target, options) : "";
}

}  // namespace

std::string checkNetworkUri(const std::string& uri, const NetworkCheckOptions& options) {
  Target target;
  if (!parse(uri, target)) {
    return "";
  }
  std::string reason = resolve(target, options.cancel);
  if (reason.empty()) {
    reason = connect(target, options);
  }
  return g_cancellable_is_cancelled(options.cancel) ? "" : reason;
}

std::string readCaFileSetting(const kms::ClassConfig& config) {
  const std::string file = config.getString("sslCaFile", "");
  if (file.empty()) {
    return file;
  }
  GError* error = nullptr;
  Owned<GTlsDatabase> database(g_tls_file_database_new(file.c_str(), &error));
  if (!database) {
    config.fail("sslCaFile", "cannot read '" + file + "' as PEM certificates: " + said(error));
  }
  return file;
}

}  // namespace kurento::player
