#include "SessionManager.hpp"

#include "Ids.hpp"

#include <kms/sdk/Gst.hpp>

#include <algorithm>

namespace kms::host {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-session", "Client sessions");
}  // namespace
#define GST_CAT_DEFAULT kCat

std::string SessionManager::subscriptionKey(const std::string& objectId,
                                            const std::string& type) {
  std::string key;
  key.reserve(objectId.size() + type.size() + 1);
  key += objectId;
  key += '\n';
  key += type;
  return key;
}

void SessionManager::attach(const std::string& sessionId, const ClientConnectionPtr& connection) {
  attach(sessionId, connection, 0);
}

bool SessionManager::attach(const std::string& sessionId, const ClientConnectionPtr& connection,
                            size_t maxPerConnection) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto existing = sessions_.find(sessionId);
  const bool alreadyHere =
      existing != sessions_.end() && existing->second.connectionKey == connection.get();
  if (!alreadyHere && maxPerConnection > 0 &&
      attachedToLocked(connection.get()) >= maxPerConnection) {
    return false;
  }
  auto [it, created] = sessions_.try_emplace(sessionId);
  Session& session = it->second;
  if (session.connectionKey != connection.get()) {
    session.connection = connection;
    session.connectionKey = connection.get();
  }
  if (created) {
    GST_INFO("session %s started", sessionId.c_str());
  }
  return true;
}

size_t SessionManager::attachedTo(const ClientConnection* connection) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return attachedToLocked(connection);
}

size_t SessionManager::attachedToLocked(const ClientConnection* connection) const {
  size_t count = 0;
  for (const auto& [id, session] : sessions_) {
    count += session.connectionKey == connection ? 1 : 0;
  }
  return count;
}

bool SessionManager::reattach(const std::string& sessionId,
                              const ClientConnectionPtr& connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(sessionId);
  if (it == sessions_.end()) {
    return false;
  }
  it->second.connection = connection;
  it->second.connectionKey = connection.get();
  GST_INFO("session %s reconnected", sessionId.c_str());
  return true;
}

void SessionManager::connectionClosed(const ClientConnection* connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Clock::time_point now = Clock::now();
  for (auto& [id, session] : sessions_) {
    if (session.connectionKey == connection) {
      session.connection.reset();
      session.connectionKey = nullptr;
      session.detachedAt = now;
      GST_INFO("session %s lost its connection", id.c_str());
    }
  }
}

bool SessionManager::contains(const std::string& sessionId) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.count(sessionId) != 0;
}

void SessionManager::addObject(const std::string& sessionId, const std::string& objectId) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(sessionId);
  if (it != sessions_.end()) {
    it->second.objects.push_back(objectId);
  }
}

size_t SessionManager::objectCount(const std::string& sessionId) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(sessionId);
  return it == sessions_.end() ? 0 : it->second.objects.size();
}

void SessionManager::forgetObject(const std::string& objectId) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> dropped;
  for (auto& [id, session] : sessions_) {
    auto& objects = session.objects;
    objects.erase(std::remove(objects.begin(), objects.end(), objectId), objects.end());
    for (const std::string& subscriptionId : session.subscriptions) {
      auto subscription = subscriptions_.find(subscriptionId);
      if (subscription == subscriptions_.end()) {
        continue;
      }
      const std::string& key = subscription->second.key;
      if (key.size() > objectId.size() && key.compare(0, objectId.size(), objectId) == 0 &&
          key[objectId.size()] == '\n') {
        dropped.push_back(subscriptionId);
      }
    }
  }
  for (const std::string& subscriptionId : dropped) {
    removeSubscription(subscriptionId);
  }
}

std::string SessionManager::subscribe(const std::string& sessionId, const std::string& objectId,
                                      const std::string& type) {
  std::string subscriptionId = newUuid();
  std::string key = subscriptionKey(objectId, type);
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_[sessionId].subscriptions.insert(subscriptionId);
  byKey_[key].insert(subscriptionId);
  subscriptions_[subscriptionId] = Subscription{sessionId, std::move(key)};
  return subscriptionId;
}

bool SessionManager::unsubscribe(std::string_view subscriptionId) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string id(subscriptionId);
  if (subscriptions_.count(id) == 0) {
    return false;
  }
  removeSubscription(id);
  return true;
}

void SessionManager::removeSubscription(const std::string& subscriptionId) {
  auto it = subscriptions_.find(subscriptionId);
  if (it == subscriptions_.end()) {
    return;
  }
  auto session = sessions_.find(it->second.sessionId);
  if (session != sessions_.end()) {
    session->second.subscriptions.erase(subscriptionId);
  }
  auto keyed = byKey_.find(it->second.key);
  if (keyed != byKey_.end()) {
    keyed->second.erase(subscriptionId);
    if (keyed->second.empty()) {
      byKey_.erase(keyed);
    }
  }
  subscriptions_.erase(it);
}

std::vector<ClientConnectionPtr> SessionManager::subscribers(const std::string& objectId,
                                                             const std::string& type) const {
  std::vector<ClientConnectionPtr> result;
  const std::string key = subscriptionKey(objectId, type);
  std::lock_guard<std::mutex> lock(mutex_);
  auto keyed = byKey_.find(key);
  if (keyed == byKey_.end()) {
    return result;
  }
  for (const std::string& subscriptionId : keyed->second) {
    auto subscription = subscriptions_.find(subscriptionId);
    if (subscription == subscriptions_.end()) {
      continue;
    }
    auto session = sessions_.find(subscription->second.sessionId);
    if (session == sessions_.end()) {
      continue;
    }
    if (ClientConnectionPtr connection = session->second.connection.lock()) {
      if (std::find(result.begin(), result.end(), connection) == result.end()) {
        result.push_back(std::move(connection));
      }
    }
  }
  return result;
}

std::vector<std::string> SessionManager::collectExpired(Clock::time_point now) {
  std::vector<std::string> objects;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Session& session = it->second;
    bool detached = session.connectionKey == nullptr || session.connection.expired();
    if (session.connectionKey != nullptr && session.connection.expired()) {
      session.connectionKey = nullptr;  // the connection vanished without a close notice
      session.detachedAt = now;
    }
    if (!detached || now - session.detachedAt < gcPeriod_) {
      ++it;
      continue;
    }
    GST_INFO("session %s expired: releasing %zu objects", it->first.c_str(),
             session.objects.size());
    objects.insert(objects.end(), session.objects.begin(), session.objects.end());
    std::set<std::string> subscriptionIds = session.subscriptions;
    for (const std::string& subscriptionId : subscriptionIds) {
      removeSubscription(subscriptionId);
    }
    it = sessions_.erase(it);
  }
  return objects;
}

std::vector<std::string> SessionManager::ids() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> result;
  result.reserve(sessions_.size());
  for (const auto& [id, session] : sessions_) {
    result.push_back(id);
  }
  return result;
}

size_t SessionManager::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

}  // namespace kms::host
