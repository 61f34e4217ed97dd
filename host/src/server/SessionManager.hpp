// Client sessions: which connection a session is attached to, the objects it created, its
// event subscriptions, and which sessions the garbage collector may end.
#pragma once

#include "ClientConnection.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kms::host {

class SessionManager {
 public:
  using Clock = std::chrono::steady_clock;

  // A session whose connection dropped is ended `gcPeriod` later unless reconnected.
  explicit SessionManager(std::chrono::milliseconds gcPeriod) : gcPeriod_(gcPeriod) {}

  // Attaches session `sessionId` (created when unknown) to `connection`.
  void attach(const std::string& sessionId, const ClientConnectionPtr& connection);
  // The same, unless that would attach more than `maxPerConnection` sessions (0: no limit)
  // to `connection`: then nothing changes and the result is false.
  bool attach(const std::string& sessionId, const ClientConnectionPtr& connection,
              size_t maxPerConnection);
  // Re-attaches a known session; false when the session is unknown.
  bool reattach(const std::string& sessionId, const ClientConnectionPtr& connection);
  // Sessions attached to `connection` now.
  size_t attachedTo(const ClientConnection* connection) const;
  // Detaches every session attached to `connection` (its socket is gone).
  void connectionClosed(const ClientConnection* connection);
  bool contains(const std::string& sessionId) const;

  void addObject(const std::string& sessionId, const std::string& objectId);
  // Live objects the session created (0 for unknown sessions).
  size_t objectCount(const std::string& sessionId) const;
  // Drops an object (released by anyone) from every session and its subscriptions.
  void forgetObject(const std::string& objectId);

  // Returns the new subscription id.
  std::string subscribe(const std::string& sessionId, const std::string& objectId,
                        const std::string& type);
  // False when the subscription is unknown.
  bool unsubscribe(std::string_view subscriptionId);

  // Connections to which an event of (objectId, type) goes, each once.
  std::vector<ClientConnectionPtr> subscribers(const std::string& objectId,
                                               const std::string& type) const;

  // Removes the sessions detached for at least the GC period; returns the ids of the objects
  // they created (to release), in creation order per session.
  std::vector<std::string> collectExpired(Clock::time_point now);

  std::vector<std::string> ids() const;
  size_t count() const;
  std::chrono::milliseconds gcPeriod() const { return gcPeriod_; }

 private:
  struct Session {
    std::weak_ptr<ClientConnection> connection;
    const ClientConnection* connectionKey = nullptr;  // null while detached
    Clock::time_point detachedAt;
    std::vector<std::string> objects;  // created by this session
    std::set<std::string> subscriptions;
  };
  struct Subscription {
    std::string sessionId;
    std::string key;  // objectId + '\n' + type
  };

  size_t attachedToLocked(const ClientConnection* connection) const;
  static std::string subscriptionKey(const std::string& objectId, const std::string& type);
  void removeSubscription(const std::string& subscriptionId);

  const std::chrono::milliseconds gcPeriod_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Session> sessions_;
  std::unordered_map<std::string, Subscription> subscriptions_;
  // key -> subscription ids
  std::unordered_map<std::string, std::set<std::string>> byKey_;
};

}  // namespace kms::host
