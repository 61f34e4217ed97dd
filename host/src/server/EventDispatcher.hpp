// Turns the events objects emit into onEvent notifications for the subscribed connections.
// Runs on whatever thread emits (GStreamer streaming threads included): it takes only the
// session table's short lock and hands the text to each connection's own send queue.
#pragma once

#include "Metrics.hpp"
#include "ObjectRegistry.hpp"
#include "SessionManager.hpp"

#include <string>

namespace kms::host {

class EventDispatcher : public EventSink {
 public:
  EventDispatcher(SessionManager& sessions, Metrics& metrics)
      : sessions_(sessions), metrics_(metrics) {}

  void deliver(const RemoteObject& source, const std::string& type, JsonDocument data) override;

  // The notification text of an event (exposed for tests).
  static std::string notificationText(const RemoteObject& source, const std::string& type,
                                      JsonDocument& data);

 private:
  // Sends to the subscribers of `wireType` (the emitted name or its 6.x alias).
  void sendTo(const RemoteObject& source, const std::string& wireType, JsonDocument& data);

  SessionManager& sessions_;
  Metrics& metrics_;
};

}  // namespace kms::host
