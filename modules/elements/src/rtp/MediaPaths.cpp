#include "MediaPaths.hpp"

#include "DecodeErrorLimit.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <algorithm>
#include <cstring>

namespace kurento::rtp {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-rtp-paths", "RTP media paths");

gboolean forwardSticky(GstPad* pad, GstEvent** event, gpointer) {
  if (GST_EVENT_TYPE(*event) != GST_EVENT_EOS) {
    gst_pad_push_event(pad, gst_event_ref(*event));
  }
  return TRUE;
}

void linkOrThrow(GstPad* src, GstPad* sink, const std::string& what) {
  const GstPadLinkReturn linked = gst_pad_link(src, sink);
  if (linked != GST_PAD_LINK_OK) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot link " + what + ": " + gst_pad_link_get_name(linked));
  }
}

// The chain between the input and the payloader, in gst-launch syntax.
std::string chainDescription(const CodecInfo& codec, const std::string& media, bool video,
                             bool& transcoding) {
  transcoding = true;
  if (media == codec.encodedCaps) {
    transcoding = false;
    return codec.parser != nullptr ? std::string(codec.parser) + " config-interval=-1"
                                   : std::string("identity");
  }
  std::string description;
  if (media != (video ? "video/x-raw" : "audio/x-raw")) {
    // A decoder we know keeps the chain free of asynchronous state changes; decodebin is
    // the fallback for other formats.
    const CodecInfo* incoming = codecOfCaps(media);
    description = std::string(incoming != nullptr ? incoming->decoder : "decodebin") + " ! ";
  }
  description += video ? "videoconvert ! " : "audioconvert ! audioresample ! ";
  return description + codec.encoder;
}

GstElement* findEncoder(GstElement* chain) {
  GstElement* encoder = nullptr;
  GstIterator* elements = gst_bin_iterate_elements(GST_BIN(chain));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(elements, &item) == GST_ITERATOR_OK) {
    auto* element = GST_ELEMENT(g_value_get_object(&item));
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(element), "target-bitrate") != nullptr ||
        std::strncmp(GST_OBJECT_NAME(element), "openh264enc", 11) == 0) {
      encoder = element;
    }
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(elements);
  return encoder;
}

void discard(GstBin* bin, GstElement* element) {
  gst_element_set_locked_state(element, TRUE);
  gst_element_set_state(element, GST_STATE_NULL);
  gst_bin_remove(bin, element);
}

// The payloader after `path.chain` (both in `bin`), linked to `target`, started, then fed
// from `input`. Throws UNEXPECTED_ERROR naming the link that failed.
void linkSendChain(GstBin* bin, const CodecInfo& codec, int payloadType, int mtu,
                   const std::string& description, GstPad* input, GstPad* target,
                   SendPath& path) {
  path.payloader = addElement(bin, codec.payloader);
  g_object_set(path.payloader, "pt", static_cast<guint>(payloadType), "mtu",
               static_cast<guint>(mtu), nullptr);
  if (std::strcmp(codec.name, "H264") == 0) {
    g_object_set(path.payloader, "config-interval", -1, nullptr);
  }
  linkPads(path.chain, "src", path.payloader, "sink");
  GstPad* payloaderSrc = gst_element_get_static_pad(path.payloader, "src");
  try {
    linkOrThrow(payloaderSrc, target, "the payloader to its RTP session");
  } catch (...) {
    gst_object_unref(payloaderSrc);
    throw;
  }
  gst_object_unref(payloaderSrc);
  gst_element_sync_state_with_parent(path.payloader);
  gst_element_sync_state_with_parent(path.chain);
  GstPad* chainSink = gst_element_get_static_pad(path.chain, "sink");
  try {
    linkOrThrow(input, chainSink, "the input to '" + description + "'");
  } catch (...) {
    gst_object_unref(chainSink);
    throw;
  }
  gst_object_unref(chainSink);
}

}  // namespace

GstElement* addElement(GstBin* bin, const char* factory) {
  GstElement* element = gst_element_factory_make(factory, nullptr);
  if (element == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                std::string("GStreamer element '") + factory +
                                    "' is missing (install gstreamer1.0-plugins-good/-bad)");
  }
  gst_bin_add(bin, element);
  return element;
}

void linkPads(GstElement* src, const std::string& srcPad, GstElement* sink,
              const std::string& sinkPad) {
  if (!gst_element_link_pads(src, srcPad.c_str(), sink, sinkPad.c_str())) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot link " + std::string(GST_ELEMENT_NAME(src)) + ":" + srcPad +
                                    " to " + GST_ELEMENT_NAME(sink) + ":" + sinkPad);
  }
}

SendPath linkSendPath(GstBin* bin, const CodecInfo& codec, int payloadType, int mtu,
                      GstCaps* inputCaps, GstPad* input, GstPad* target) {
  SendPath path;
  path.inputMedia = gst_structure_get_name(gst_caps_get_structure(inputCaps, 0));
  const bool video = codec.type == MediaType::VIDEO;
  const std::string description = chainDescription(codec, path.inputMedia, video, path.transcoding);
  GError* error = nullptr;
  path.chain = gst_parse_bin_from_description(description.c_str(), TRUE, &error);
  if (path.chain == nullptr) {
    const std::string message = error != nullptr ? error->message : "?";
    g_clear_error(&error);
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot build '" + description + "': " + message);
  }
  gst_bin_add(bin, path.chain);
  limitDecodeErrors(path.chain);
  try {
    linkSendChain(bin, codec, payloadType, mtu, description, input, target, path);
  } catch (...) {
    // Nothing stays behind: a payloader left linked to `target` would keep the next attempt
    // from linking its own, and that send path would go nowhere.
    if (path.payloader != nullptr) {
      GstPad* payloaderSrc = gst_element_get_static_pad(path.payloader, "src");
      gst_pad_unlink(payloaderSrc, target);
      gst_object_unref(payloaderSrc);
      discard(bin, path.payloader);
    }
    discard(bin, path.chain);
    throw;
  }
  if (path.transcoding && video) {
    path.encoder = findEncoder(path.chain);
  }
  if (video) {
    // The peer starts decoding at a keyframe: ask the source for one (PLI/FIR upstream).
    gst_pad_send_event(input, newKeyframeRequest());  // travels upstream from this src pad
  }
  return path;
}

GstElement* linkReceivePath(GstBin* bin, GstPad* rtpPad, const CodecInfo& codec, GstPad* output) {
  GstElement* depayloader = addElement(bin, codec.depayloader);
  GstElement* last = depayloader;
  if (codec.parser != nullptr) {
    GstElement* parser = addElement(bin, codec.parser);
    linkPads(depayloader, "src", parser, "sink");
    gst_element_sync_state_with_parent(parser);
    last = parser;
  }
  GstPad* lastSrc = gst_element_get_static_pad(last, "src");
  const GstPadLinkReturn linked = gst_pad_link(lastSrc, output);
  if (linked != GST_PAD_LINK_OK) {
    GstCaps* offered = gst_pad_query_caps(lastSrc, nullptr);
    GstCaps* taken = gst_pad_query_caps(output, nullptr);
    gchar* a = gst_caps_to_string(offered);
    gchar* b = gst_caps_to_string(taken);
    GST_CAT_ERROR(kCat, "cannot link %s to the element's output: %s (offers %s, output takes %s)",
                  codec.depayloader, gst_pad_link_get_name(linked), a, b);
    g_free(a);
    g_free(b);
    gst_caps_unref(offered);
    gst_caps_unref(taken);
  }
  gst_object_unref(lastSrc);
  gst_element_sync_state_with_parent(depayloader);
  GstPad* depaySink = gst_element_get_static_pad(depayloader, "sink");
  gst_pad_link(rtpPad, depaySink);
  gst_object_unref(depaySink);
  return depayloader;
}

void discardStream(GstBin* bin, GstPad* pad) {
  GstElement* sink = addElement(bin, "fakesink");
  g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
  GstPad* sinkPad = gst_element_get_static_pad(sink, "sink");
  gst_pad_link(pad, sinkPad);
  gst_object_unref(sinkPad);
  gst_element_sync_state_with_parent(sink);
}

// Within the property's own range: a peer's REMB may ask for anything up to INT64_MAX, which
// a plain cast to the property's 32-bit type would wrap (e.g. 2^32 bps to 0).
void setEncoderBitrate(GstElement* encoder, int64_t bps) {
  GObjectClass* type = G_OBJECT_GET_CLASS(encoder);
  if (GParamSpec* spec = g_object_class_find_property(type, "target-bitrate");
      spec != nullptr && G_IS_PARAM_SPEC_INT(spec)) {
    const GParamSpecInt* range = G_PARAM_SPEC_INT(spec);
    g_object_set(encoder, "target-bitrate",
                 static_cast<gint>(std::clamp<int64_t>(bps, range->minimum, range->maximum)),
                 nullptr);
  } else if (GParamSpec* spec = g_object_class_find_property(type, "bitrate");
             spec != nullptr && G_IS_PARAM_SPEC_UINT(spec)) {
    const GParamSpecUInt* range = G_PARAM_SPEC_UINT(spec);
    g_object_set(encoder, "bitrate",
                 static_cast<guint>(std::clamp<int64_t>(bps, range->minimum, range->maximum)),
                 nullptr);
  }
}

int64_t encoderBitrate(GstElement* encoder) {
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(encoder), "target-bitrate") != nullptr) {
    gint bps = 0;
    g_object_get(encoder, "target-bitrate", &bps, nullptr);
    return bps;
  }
  guint bps = 0;
  g_object_get(encoder, "bitrate", &bps, nullptr);
  return bps;
}

GstEvent* newKeyframeRequest() {
  return gst_event_new_custom(
      GST_EVENT_CUSTOM_UPSTREAM,
      gst_structure_new("GstForceKeyUnit", "all-headers", G_TYPE_BOOLEAN, TRUE, nullptr));
}

void forwardStickyEvents(GstPad* pad) { gst_pad_sticky_events_foreach(pad, &forwardSticky, nullptr); }

}  // namespace kurento::rtp
