#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <atomic>

namespace kms {

namespace {
std::atomic<ServerContext*> gContext{nullptr};
}  // namespace

ServerContext& serverContext() {
  ServerContext* context = gContext.load();
  if (context == nullptr) {
    throw KurentoException(ErrorCode::kUnexpectedError, "no server context has been set");
  }
  return *context;
}

void setServerContext(ServerContext* context) { gContext.store(context); }

void RemoteObject::emitEvent(const std::string& type, JsonDocument data) const {
  serverContext().emitEvent(*this, type, std::move(data));
}


}  // namespace kms
