// Why a network URI cannot be opened, in words. GStreamer's HTTP source reports a refused
// connection, an unknown host or a rejected certificate only as "Internal data stream error";
// the player asks the network itself before it tells the application.
#pragma once

#include <kms/sdk/Config.hpp>

#include <gio/gio.h>

#include <string>

namespace kurento::player {

struct NetworkCheckOptions {
  std::string caFile;   // trust anchors (PEM) for https/rtsps instead of the system's; "" for those
  int timeoutMs = 3000;  // for each of: connect, TLS handshake
  GCancellable* cancel = nullptr;  // ends the check early (borrowed)
};

// Resolves the URI's host, connects to its port and, for https/rtsps, does the TLS handshake.
// Returns "" when all of that works (the failure was elsewhere), else the reason, e.g.
// "cannot resolve host 'cam.example': Name or service not known". Blocks: call it off the
// main loop. Non-network schemes, and a cancelled check, return "".
std::string checkNetworkUri(const std::string& uri, const NetworkCheckOptions& options);

// `sslCaFile` of a class's .conf.ini (PlayerEndpoint, RecorderEndpoint): the trust anchors
// (PEM) for https/rtsps instead of the system's, "" when unset. Throws kms::ConfigError when it cannot be read as PEM.
std::string readCaFileSetting(const kms::ClassConfig& config);

}  // namespace kurento::player
