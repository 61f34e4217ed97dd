#include "WebRtcBin.hpp"

#include <kms/sdk/Error.hpp>

#include <cstdlib>
#include <cstring>
#include <memory>

namespace kurento::webrtc {

namespace {

// Waits for a promise and throws with webrtcbin's error, if any.
const GstStructure* await(GstPromise* promise, int code, const char* what) {
  if (gst_promise_wait(promise) != GST_PROMISE_RESULT_REPLIED) {
    throw kms::KurentoException(static_cast<kms::ErrorCode>(code),
                                std::string(what) + ": webrtcbin gave no reply");
  }
  const GstStructure* reply = gst_promise_get_reply(promise);
  GError* error = nullptr;
  if (reply != nullptr && gst_structure_get(reply, "error", G_TYPE_ERROR, &error, nullptr) &&
      error != nullptr) {
    const std::string message = error->message;
    g_error_free(error);
    throw kms::KurentoException(static_cast<kms::ErrorCode>(code),
                                std::string(what) + ": " + message);
  }
  return reply;
}

}  // namespace

void setDescription(GstElement* webrtcbin, bool remote, GstWebRTCSDPType type,
                    const GstSDPMessage& sdp, int code) {
  GstSDPMessage* copy = nullptr;
  gst_sdp_message_copy(&sdp, &copy);
  GstWebRTCSessionDescription* description = gst_webrtc_session_description_new(type, copy);
  GstPromise* promise = gst_promise_new();
  g_signal_emit_by_name(webrtcbin, remote ? "set-remote-description" : "set-local-description",
                        description, promise);
  gst_webrtc_session_description_free(description);
  try {
    await(promise, code, remote ? "the remote description was refused"
                                : "the local description was refused");
  } catch (...) {
    gst_promise_unref(promise);
    throw;
  }
  gst_promise_unref(promise);
}

namespace {
void replaceFingerprints(GstSDPMessage* sdp, const std::string& fingerprint) {
  const std::string value = "sha-256 " + fingerprint;
  for (guint i = 0; i < gst_sdp_message_attributes_len(sdp); ++i) {
    if (std::strcmp(gst_sdp_message_get_attribute(sdp, i)->key, "fingerprint") == 0) {
      GstSDPAttribute attribute;
      gst_sdp_attribute_set(&attribute, "fingerprint", value.c_str());
      gst_sdp_message_replace_attribute(sdp, i, &attribute);
    }
  }
  for (guint m = 0; m < gst_sdp_message_medias_len(sdp); ++m) {
    GstSDPMedia* media = const_cast<GstSDPMedia*>(gst_sdp_message_get_media(sdp, m));
    for (guint i = 0; i < gst_sdp_media_attributes_len(media); ++i) {
      if (std::strcmp(gst_sdp_media_get_attribute(media, i)->key, "fingerprint") == 0) {
        GstSDPAttribute attribute;
        gst_sdp_attribute_set(&attribute, "fingerprint", value.c_str());
        gst_sdp_media_replace_attribute(media, i, &attribute);
      }
    }
  }
}
}  // namespace

std::string createAndSetLocal(GstElement* webrtcbin, bool offer, int code,
                              const std::string& fingerprint) {
  GstPromise* promise = gst_promise_new();
  g_signal_emit_by_name(webrtcbin, offer ? "create-offer" : "create-answer", nullptr, promise);
  GstWebRTCSessionDescription* description = nullptr;
  try {
    const GstStructure* reply = await(promise, code, offer ? "cannot create an offer"
                                                           : "cannot create an answer");
    gst_structure_get(reply, offer ? "offer" : "answer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
                      &description, nullptr);
  } catch (...) {
    gst_promise_unref(promise);
    throw;
  }
  gst_promise_unref(promise);
  if (description == nullptr) {
    throw kms::KurentoException(static_cast<kms::ErrorCode>(code),
                                offer ? "webrtcbin made no offer" : "webrtcbin made no answer");
  }
  // Freed however this ends: webrtcbin may refuse its own description (setDescription throws).
  std::unique_ptr<GstWebRTCSessionDescription, decltype(&gst_webrtc_session_description_free)>
      owned(description, &gst_webrtc_session_description_free);
  if (!fingerprint.empty()) {
    replaceFingerprints(description->sdp, fingerprint);
  }
  setDescription(webrtcbin, false, description->type, *description->sdp, code);
  gchar* text = gst_sdp_message_as_text(description->sdp);
  std::string result(text);
  g_free(text);
  return result;
}

GstCaps* codecCaps(const rtp::CodecInfo& codec, int payloadType, const std::string& fmtp) {
  const bool video = codec.type == MediaType::VIDEO;
  GstCaps* caps = gst_caps_new_simple("application/x-rtp", "media", G_TYPE_STRING,
                                      video ? "video" : "audio", "encoding-name", G_TYPE_STRING,
                                      codec.name, "payload", G_TYPE_INT, payloadType,
                                      "clock-rate", G_TYPE_INT, codec.clockRate, nullptr);
  GstStructure* structure = gst_caps_get_structure(caps, 0);
  if (codec.channels > 1) {
    gst_structure_set(structure, "encoding-params", G_TYPE_STRING,
                      std::to_string(codec.channels).c_str(), nullptr);
  }
  gchar** parameters = g_strsplit(fmtp.empty() ? codec.fmtp : fmtp.c_str(), ";", -1);
  for (gchar** parameter = parameters; *parameter != nullptr; ++parameter) {
    gchar** pair = g_strsplit(g_strstrip(*parameter), "=", 2);
    if (pair[0] != nullptr && pair[1] != nullptr && *pair[0] != '\0') {
      gst_structure_set(structure, pair[0], G_TYPE_STRING, pair[1], nullptr);
    }
    g_strfreev(pair);
  }
  g_strfreev(parameters);
  if (video) {
    gst_structure_set(structure, "rtcp-fb-nack", G_TYPE_BOOLEAN, TRUE, "rtcp-fb-nack-pli",
                      G_TYPE_BOOLEAN, TRUE, "rtcp-fb-ccm-fir", G_TYPE_BOOLEAN, TRUE,
                      "rtcp-fb-goog-remb", G_TYPE_BOOLEAN, TRUE, nullptr);
  }
  return caps;
}

GArray* transceivers(GstElement* webrtcbin) {
  GArray* list = nullptr;
  g_signal_emit_by_name(webrtcbin, "get-transceivers", &list);
  return list;
}

GstStructure* getStats(GstElement* webrtcbin) {
  GstPromise* promise = gst_promise_new();
  g_signal_emit_by_name(webrtcbin, "get-stats", nullptr, promise);
  GstStructure* stats = nullptr;
  if (gst_promise_wait(promise) == GST_PROMISE_RESULT_REPLIED && gst_promise_get_reply(promise)) {
    stats = gst_structure_copy(gst_promise_get_reply(promise));
  }
  gst_promise_unref(promise);
  return stats;
}

std::map<uint32_t, std::string> remoteSsrcMedia(GstElement* webrtcbin) {
  std::map<uint32_t, std::string> media;
  GstWebRTCSessionDescription* remote = nullptr;
  g_object_get(webrtcbin, "remote-description", &remote, nullptr);
  if (remote == nullptr) {
    return media;
  }
  for (guint i = 0; i < gst_sdp_message_medias_len(remote->sdp); ++i) {
    const GstSDPMedia* line = gst_sdp_message_get_media(remote->sdp, i);
    for (guint a = 0; a < gst_sdp_media_attributes_len(line); ++a) {
      const GstSDPAttribute* attribute = gst_sdp_media_get_attribute(line, a);
      if (std::strcmp(attribute->key, "ssrc") == 0 && attribute->value != nullptr) {
        media[static_cast<uint32_t>(std::strtoul(attribute->value, nullptr, 10))] =
            gst_sdp_media_get_media(line);
      }
    }
  }
  gst_webrtc_session_description_free(remote);
  return media;
}

std::string withVideoBandwidth(const std::string& sdp, int kbps) {
  if (kbps <= 0) {
    return sdp;
  }
  std::string out;
  bool inVideo = false;
  bool placed = false;
  size_t start = 0;
  while (start < sdp.size()) {
    size_t end = sdp.find('\n', start);
    end = end == std::string::npos ? sdp.size() : end + 1;
    const std::string line = sdp.substr(start, end - start);
    start = end;
    if (line.rfind("m=", 0) == 0) {
      inVideo = line.rfind("m=video", 0) == 0;
      placed = false;
    } else if (inVideo && line.rfind("b=", 0) == 0) {
      continue;  // ours replaces any other bandwidth line
    }
    out += line;
    if (inVideo && !placed && line.rfind("c=", 0) == 0) {
      out += "b=AS:" + std::to_string(kbps) + "\r\n";
      placed = true;
    }
  }
  return out;
}

std::string localMid(GstElement* webrtcbin, guint index) {
  GstWebRTCSessionDescription* local = nullptr;
  g_object_get(webrtcbin, "local-description", &local, nullptr);
  std::string mid;
  if (local != nullptr) {
    if (index < gst_sdp_message_medias_len(local->sdp)) {
      const gchar* value =
          gst_sdp_media_get_attribute_val(gst_sdp_message_get_media(local->sdp, index), "mid");
      mid = value != nullptr ? value : "";
    }
    gst_webrtc_session_description_free(local);
  }
  return mid;
}

}  // namespace kurento::webrtc
