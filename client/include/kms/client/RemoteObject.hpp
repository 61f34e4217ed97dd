// Base of every generated proxy: an object id on a connection, and the requests that
// the generated methods are made of.
#pragma once

#include <kms/client/Connection.hpp>
#include <kms/client/Json.hpp>

#include <memory>
#include <string>

namespace kms::client {

class RemoteObject {
 public:
  // Wraps an existing object id (as returned by create() or another method).
  RemoteObject(ConnectionPtr connection, std::string id)
      : connection_(std::move(connection)), id_(std::move(id)) {}
  virtual ~RemoteObject() = default;

  const std::string& id() const { return id_; }
  const ConnectionPtr& connection() const { return connection_; }

  // Releases the object on the server (a pipeline releases its children too).
  void release();
  // Cancels a subscription returned by one of the generated subscribe<Event>() methods.
  void unsubscribe(const std::string& subscriptionId);

 protected:
  // `invoke`: returns the result object ("value" holds the return value, if any).
  JsonDocument invokeOperation(const std::string& operation, Params params) const;
  std::string subscribeEvent(const std::string& type, EventCallback callback) const;
  // The "value" member of a result; throws Error(kBadResponse) when it is missing.
  static const Json& resultValue(const JsonDocument& result, const std::string& operation);

 private:
  ConnectionPtr connection_;
  std::string id_;
};

}  // namespace kms::client
