#include "EventDispatcher.hpp"

#include <kms/sdk/Gst.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>

namespace kms::host {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-events", "Event delivery");

// Kurento 6.x clients subscribe to "MediaFlowInStateChange"; 7.x emits "...StateChanged".
constexpr const char kNewSuffix[] = "StateChanged";

bool endsWith(const std::string& text, const char* suffix) {
  const size_t length = std::char_traits<char>::length(suffix);
  return text.size() >= length && text.compare(text.size() - length, length, suffix) == 0;
}

void setMember(Json& object, const char* name, Json value, JsonAllocator& allocator) {
  auto it = object.FindMember(name);
  if (it != object.MemberEnd()) {
    it->value = std::move(value);
  } else {
    object.AddMember(Json(name, allocator), value, allocator);
  }
}

}  // namespace
#define GST_CAT_DEFAULT kCat

std::string EventDispatcher::notificationText(const RemoteObject& source, const std::string& type,
                                              JsonDocument& data) {
  JsonAllocator& a = data.GetAllocator();
  if (!data.IsObject()) {
    data.SetObject();
  }
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  Json tags(rapidjson::kArrayType);
  for (const auto& [key, value] : source.eventTags()) {
    Json tag(rapidjson::kObjectType);
    tag.AddMember("key", Json(key, a), a);
    tag.AddMember("value", Json(value, a), a);
    tag.AddMember("__module__", "kurento", a);
    tag.AddMember("__type__", "Tag", a);
    tags.PushBack(tag, a);
  }
  setMember(data, "source", Json(source.id(), a), a);
  setMember(data, "tags", std::move(tags), a);
  setMember(data, "timestampMillis", Json(std::to_string(millis), a), a);
  setMember(data, "timestamp", Json(std::to_string(millis / 1000), a), a);
  setMember(data, "type", Json(type, a), a);

  Json value(rapidjson::kObjectType);
  value.AddMember("data", data, a);  // moves data into the notification
  value.AddMember("object", Json(source.id(), a), a);
  value.AddMember("type", Json(type, a), a);
  Json params(rapidjson::kObjectType);
  params.AddMember("value", value, a);
  Json notification(rapidjson::kObjectType);
  notification.AddMember("jsonrpc", "2.0", a);
  notification.AddMember("method", "onEvent", a);
  notification.AddMember("params", params, a);

  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  notification.Accept(writer);
  // Leave `data` holding the event fields again for another wire type.
  static_cast<Json&>(data).Swap(notification["params"]["value"]["data"]);
  return std::string(buffer.GetString(), buffer.GetSize());
}

void EventDispatcher::deliver(const RemoteObject& source, const std::string& type,
                              JsonDocument data) {
  try {
    sendTo(source, type, data);
    if (endsWith(type, kNewSuffix)) {
      sendTo(source, type.substr(0, type.size() - 1), data);
    }
  } catch (const std::exception& e) {
    GST_ERROR("event %s of %s not delivered: %s", type.c_str(), source.id().c_str(), e.what());
  }
}

void EventDispatcher::sendTo(const RemoteObject& source, const std::string& wireType,
                             JsonDocument& data) {
  std::vector<ClientConnectionPtr> connections = sessions_.subscribers(source.id(), wireType);
  if (connections.empty()) {
    return;
  }
  auto text = std::make_shared<const std::string>(notificationText(source, wireType, data));
  for (const ClientConnectionPtr& connection : connections) {
    connection->sendText(text);
  }
  metrics_.countEventsSent(connections.size());
  GST_DEBUG("event %s of %s sent to %zu connections", wireType.c_str(), source.id().c_str(),
            connections.size());
}

}  // namespace kms::host
