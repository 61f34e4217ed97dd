// WebRtcEndpoint's data channels: opened by the peer or by createDataChannel, and the DATA
// connections that carry their messages between endpoints.
#include "WebRtcEndpointImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-webrtc-data", "WebRtcEndpoint data channels");
}  // namespace
#define GST_CAT_DEFAULT kCat

namespace {
int channelId(GstWebRTCDataChannel* channel) {
  gint id = -1;
  g_object_get(channel, "id", &id, nullptr);
  return id;
}

std::string channelLabel(GstWebRTCDataChannel* channel) {
  gchar* label = nullptr;
  g_object_get(channel, "label", &label, nullptr);
  std::string result = label != nullptr ? label : "";
  g_free(label);
  return result;
}
}  // namespace

void WebRtcEndpointImpl::watchChannel(GstWebRTCDataChannel* channel) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  channels_.push_back(GST_WEBRTC_DATA_CHANNEL(g_object_ref(channel)));
  g_signal_connect(channel, "on-open", G_CALLBACK(&WebRtcEndpointImpl::onChannelOpen), this);
  g_signal_connect(channel, "on-close", G_CALLBACK(&WebRtcEndpointImpl::onChannelClose), this);
  g_signal_connect(channel, "on-message-string", G_CALLBACK(&WebRtcEndpointImpl::onChannelString),
                   this);
  g_signal_connect(channel, "on-message-data", G_CALLBACK(&WebRtcEndpointImpl::onChannelData),
                   this);
  GstWebRTCDataChannelState state = GST_WEBRTC_DATA_CHANNEL_STATE_CONNECTING;
  g_object_get(channel, "ready-state", &state, nullptr);
  if (state == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN) {
    onChannelOpen(channel, this);
  }
}

void WebRtcEndpointImpl::onDataChannel(GstElement*, GstWebRTCDataChannel* channel, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  GST_INFO("%s: the peer opened data channel '%s'", self->id().c_str(),
           channelLabel(channel).c_str());
  self->watchChannel(channel);
}

void WebRtcEndpointImpl::onChannelOpen(GstWebRTCDataChannel* channel, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  DataChannelOpened event;
  event.channelId = channelId(channel);
  self->raiseDataChannelOpened(event);
}

void WebRtcEndpointImpl::onChannelClose(GstWebRTCDataChannel* channel, gpointer data) {
  auto* self = static_cast<WebRtcEndpointImpl*>(data);
  DataChannelClosed event;
  event.channelId = channelId(channel);
  self->raiseDataChannelClosed(event);
}

void WebRtcEndpointImpl::onChannelString(GstWebRTCDataChannel* channel, gchar* text, gpointer data) {
  static_cast<WebRtcEndpointImpl*>(data)->sendData(channelLabel(channel), text != nullptr ? text : "",
                                                   false);
}

void WebRtcEndpointImpl::onChannelData(GstWebRTCDataChannel* channel, GBytes* bytes, gpointer data) {
  gsize size = 0;
  const auto* raw = static_cast<const char*>(bytes != nullptr ? g_bytes_get_data(bytes, &size) : nullptr);
  static_cast<WebRtcEndpointImpl*>(data)->sendData(channelLabel(channel), std::string(raw ? raw : "", size),
                                                   true);
}

// What a DATA source sends goes out on our open channel of the same label (else the first
// open one): with Kurento, two browsers talk through their endpoints' channels.
void WebRtcEndpointImpl::receiveData(const std::string& label, const std::string& payload,
                                     bool binary) {
  GstWebRTCDataChannel* target = nullptr;
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (GstWebRTCDataChannel* channel : channels_) {
      GstWebRTCDataChannelState state = GST_WEBRTC_DATA_CHANNEL_STATE_CLOSED;
      g_object_get(channel, "ready-state", &state, nullptr);
      if (state != GST_WEBRTC_DATA_CHANNEL_STATE_OPEN) {
        continue;
      }
      if (target == nullptr || channelLabel(channel) == label) {
        target = channel;
      }
    }
    if (target != nullptr) {
      g_object_ref(target);
    }
  }
  if (target == nullptr) {
    GST_DEBUG("%s: no open data channel for '%s'", id().c_str(), label.c_str());
    return;
  }
  if (binary) {
    GBytes* bytes = g_bytes_new(payload.data(), payload.size());
    g_signal_emit_by_name(target, "send-data", bytes);
    g_bytes_unref(bytes);
  } else {
    g_signal_emit_by_name(target, "send-string", payload.c_str());
  }
  g_object_unref(target);
}

void WebRtcEndpointImpl::createDataChannel(const std::string& label, const bool& ordered,
                                           const int32_t& maxPacketLifeTime,
                                           const int32_t& maxRetransmits,
                                           const std::string& protocol) {
  if (!useDataChannels_) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectOperationNotSupported,
                                id() + " was created without useDataChannels");
  }
  GstStructure* options = gst_structure_new("data-channel-options", "ordered", G_TYPE_BOOLEAN,
                                            ordered, "protocol", G_TYPE_STRING, protocol.c_str(),
                                            nullptr);
  if (maxPacketLifeTime >= 0) {
    gst_structure_set(options, "max-packet-lifetime", G_TYPE_INT, maxPacketLifeTime, nullptr);
  }
  if (maxRetransmits >= 0) {
    gst_structure_set(options, "max-retransmits", G_TYPE_INT, maxRetransmits, nullptr);
  }
  GstWebRTCDataChannel* channel = nullptr;
  g_signal_emit_by_name(webrtc_, "create-data-channel", label.c_str(), options, &channel);
  gst_structure_free(options);
  if (channel == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "webrtcbin could not create data channel '" + label +
                                    "' (is an m=application line negotiated?)");
  }
  watchChannel(channel);
  g_object_unref(channel);
}

void WebRtcEndpointImpl::closeDataChannel(const int32_t& channelId) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  for (GstWebRTCDataChannel* channel : channels_) {
    if (kurento::channelId(channel) == channelId) {
      g_signal_emit_by_name(channel, "close");
      return;
    }
  }
  throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                              id() + " has no data channel " + std::to_string(channelId));
}

}  // namespace kurento
