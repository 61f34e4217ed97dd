#include <kms/client/RemoteObject.hpp>

namespace kms::client {

void RemoteObject::release() {
  connection_->call("release", std::move(Params().set("object", id_)));
}

void RemoteObject::unsubscribe(const std::string& subscriptionId) {
  connection_->unsubscribe(id_, subscriptionId);
}

JsonDocument RemoteObject::invokeOperation(const std::string& operation, Params params) const {
  Params request;
  request.set("object", id_).set("operation", operation);
  JsonDocument& document = request.document();
  document.AddMember("operationParams", Json(params.document(), document.GetAllocator()),
                     document.GetAllocator());
  return connection_->call("invoke", std::move(request));
}

std::string RemoteObject::subscribeEvent(const std::string& type, EventCallback callback) const {
  return connection_->subscribe(id_, type, std::move(callback));
}

const Json& RemoteObject::resultValue(const JsonDocument& result, const std::string& operation) {
  if (result.IsObject()) {
    auto value = result.FindMember("value");
    if (value != result.MemberEnd()) {
      return value->value;
    }
  }
  throw Error(errors::kBadResponse, operation + ": the result has no value");
}

}  // namespace kms::client
