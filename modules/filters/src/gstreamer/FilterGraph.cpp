#include "gstreamer/FilterGraph.hpp"

#include "gstreamer/ElementPolicy.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <sstream>
#include <utility>
#include <vector>

namespace kurento::filters {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-gst-filter-graph", "GStreamerFilter graph");
#define GST_CAT_DEFAULT kCat

[[noreturn]] void refuse(const std::string& command, const std::string& reason) {
  throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                              "GStreamerFilter command '" + command + "': " + reason);
}

// The bin's ghost pads of `direction`.
std::vector<GstPad*> padsOf(GstElement* bin, GstPadDirection direction) {
  std::vector<GstPad*> pads;
  GST_OBJECT_LOCK(bin);
  GList* list = direction == GST_PAD_SINK ? bin->sinkpads : bin->srcpads;
  for (GList* item = list; item != nullptr; item = item->next) {
    pads.push_back(GST_PAD(item->data));
  }
  GST_OBJECT_UNLOCK(bin);
  return pads;
}

bool accepts(GstPad* pad, const char* mediaCaps) {
  GstCaps* padCaps = gst_pad_query_caps(pad, nullptr);
  GstCaps* wanted = gst_caps_from_string(mediaCaps);
  const bool result = gst_caps_can_intersect(padCaps, wanted);
  gst_caps_unref(wanted);
  gst_caps_unref(padCaps);
  return result;
}

std::string capsText(GstPad* pad) {
  GstCaps* caps = gst_pad_query_caps(pad, nullptr);
  gchar* text = gst_caps_to_string(caps);
  std::string result = text;
  g_free(text);
  gst_caps_unref(caps);
  return result;
}

const char* rawCaps(FilterType type) {
  return type == FilterType::AUDIO ? "audio/x-raw" : "video/x-raw";
}

void checkPads(const std::string& command, GstElement* bin, FilterType& type) {
  const auto sinks = padsOf(bin, GST_PAD_SINK);
  const auto sources = padsOf(bin, GST_PAD_SRC);
  if (sinks.size() != 1 || sources.size() != 1) {
    refuse(command, "needs exactly one unlinked sink pad and one unlinked source pad; it has " +
                        std::to_string(sinks.size()) + " sink and " +
                        std::to_string(sources.size()) +
                        " source pads (elements with pads that appear later, such as decodebin, "
                        "cannot be used)");
  }
  if (type == FilterType::AUTODETECT) {
    if (accepts(sinks[0], "video/x-raw")) {
      type = FilterType::VIDEO;
    } else if (accepts(sinks[0], "audio/x-raw")) {
      type = FilterType::AUDIO;
    } else {
      refuse(command,
             "its sink pad takes neither raw audio nor raw video (" + capsText(sinks[0]) + ")");
    }
  }
  const char* wanted = rawCaps(type);
  for (GstPad* pad : {sinks[0], sources[0]}) {
    if (!accepts(pad, wanted)) {
      refuse(command, std::string("its ") + (pad == sinks[0] ? "sink" : "source") +
                          " pad does not carry " + wanted + " (" + capsText(pad) + ")");
    }
  }
}

// GStreamer 1.22's parser passes a command's properties to the element's constructor, where
// properties flagged CONSTRUCT are then set to their defaults after them: `videoflip
// method=horizontal-flip` ends up with video-direction=identity and does not flip. For a
// plain chain (a ! b ! c, no bins or branches), the `name=value` words of each element are set
// again, in order, after construction, as gst-launch did before 1.20; quoted values are left
// as the parser set them.
std::vector<std::vector<std::pair<std::string, std::string>>> chainAssignments(
    const std::string& command) {
  std::vector<std::vector<std::pair<std::string, std::string>>> chain;
  std::stringstream segments(command);
  std::string segment;
  while (std::getline(segments, segment, '!')) {
    std::stringstream words(segment);
    std::string word;
    std::vector<std::pair<std::string, std::string>> assignments;
    bool first = true;
    while (words >> word) {
      const auto equals = word.find('=');
      if (first) {
        first = false;
        if (equals != std::string::npos) {
          return {};  // caps or a name=... reference: not a plain chain
        }
        continue;
      }
      if (equals == std::string::npos || equals == 0 ||
          word.find_first_of("\"'()") != std::string::npos) {
        continue;
      }
      assignments.emplace_back(word.substr(0, equals), word.substr(equals + 1));
    }
    chain.push_back(std::move(assignments));
  }
  return chain;
}

void reapplyProperties(const std::string& command, GstElement* bin) {
  const auto chain = chainAssignments(command);
  const auto elements = chainElements(GST_BIN(bin));
  if (chain.empty() || chain.size() != elements.size()) {
    return;
  }
  for (size_t i = 0; i < chain.size(); ++i) {
    for (const auto& [name, text] : chain[i]) {
      GParamSpec* spec =
          g_object_class_find_property(G_OBJECT_GET_CLASS(elements[i]), name.c_str());
      if (spec == nullptr || (spec->flags & G_PARAM_WRITABLE) == 0 ||
          (spec->flags & G_PARAM_CONSTRUCT_ONLY) != 0) {
        continue;
      }
      GValue value = G_VALUE_INIT;
      g_value_init(&value, G_PARAM_SPEC_VALUE_TYPE(spec));
      if (gst_value_deserialize(&value, text.c_str())) {
        g_object_set_property(G_OBJECT(elements[i]), name.c_str(), &value);
      }
      g_value_unset(&value);
    }
  }
}

GstElement* addElement(GstBin* bin, const char* factory) {
  GstElement* element = gst_element_factory_make(factory, nullptr);
  if (element == nullptr) {
    throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                std::string("GStreamer element '") + factory + "' is missing");
  }
  gst_bin_add(bin, element);
  return element;
}

void linkOrThrow(GstElement* from, GstElement* to) {
  if (!gst_element_link(from, to)) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                std::string("cannot link ") + GST_OBJECT_NAME(from) + " to " +
                                    GST_OBJECT_NAME(to) + " in the GStreamerFilter");
  }
}

// The converters before or after the command: videoconvert, or audioconvert ! audioresample.
std::pair<GstElement*, GstElement*> addConverters(GstBin* bin, FilterType type) {
  if (type == FilterType::AUDIO) {
    GstElement* convert = addElement(bin, "audioconvert");
    GstElement* resample = addElement(bin, "audioresample");
    linkOrThrow(convert, resample);
    return {convert, resample};
  }
  GstElement* convert = addElement(bin, "videoconvert");
  return {convert, convert};
}
}  // namespace

std::vector<GstElement*> chainElements(GstBin* bin) {
  std::vector<GstElement*> elements;
  GstIterator* iterator = gst_bin_iterate_sorted(bin);  // sinks first
  GValue item = G_VALUE_INIT;
  bool done = false;
  while (!done) {
    switch (gst_iterator_next(iterator, &item)) {
      case GST_ITERATOR_OK:
        elements.insert(elements.begin(), GST_ELEMENT(g_value_get_object(&item)));
        g_value_reset(&item);
        break;
      case GST_ITERATOR_RESYNC:
        elements.clear();
        gst_iterator_resync(iterator);
        break;
      default:
        done = true;
    }
  }
  g_value_unset(&item);
  gst_iterator_free(iterator);
  return elements;  // owned by bin
}

kms::GRef<GstElement> parseFilterCommand(const std::string& command, FilterType& type) {
  if (command.find_first_not_of(" \t\r\n") == std::string::npos) {
    refuse(command, "it is empty");
  }
  GError* error = nullptr;
  GstElement* parsed = gst_parse_bin_from_description_full(command.c_str(), TRUE, nullptr,
                                                           GST_PARSE_FLAG_FATAL_ERRORS, &error);
  if (parsed == nullptr || error != nullptr) {
    const std::string reason = error != nullptr ? error->message : "it does not parse";
    g_clear_error(&error);
    if (parsed != nullptr) {
      gst_object_unref(gst_object_ref_sink(parsed));
    }
    refuse(command, reason);
  }
  auto owned = kms::GRef<GstElement>::adopt(parsed);
  if (auto reason = elementPolicy().refusalIn(GST_BIN(parsed))) {
    refuse(command, *reason);
  }
  checkPads(command, parsed, type);
  reapplyProperties(command, parsed);
  return owned;
}

GstPad* buildFilterGraph(GstBin* bin, GstElement* filter, FilterType type, GstPad* output) {
  GstElement* decode = addElement(bin, "decodebin");
  auto [inFirst, inLast] = addConverters(bin, type);
  auto [outFirst, outLast] = addConverters(bin, type);
  linkOrThrow(inLast, filter);
  linkOrThrow(filter, outFirst);
  auto last = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(outLast, "src"));
  if (gst_pad_link(last.get(), output) != GST_PAD_LINK_OK) {
    throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                "cannot link the GStreamerFilter to its output");
  }
  // decodebin's pad appears once it knows the stream; raw media passes through it unchanged.
  g_signal_connect(
      decode, "pad-added", G_CALLBACK(+[](GstElement*, GstPad* pad, gpointer first) {
        auto sink =
            kms::GRef<GstPad>::adopt(gst_element_get_static_pad(GST_ELEMENT(first), "sink"));
        if (!gst_pad_is_linked(sink.get()) && gst_pad_link(pad, sink.get()) != GST_PAD_LINK_OK) {
          GST_WARNING("cannot link the decoder's pad %s", GST_PAD_NAME(pad));
        }
      }),
      inFirst);
  auto input = kms::GRef<GstPad>::adopt(gst_element_get_static_pad(decode, "sink"));
  return input.get();
}

}  // namespace kurento::filters
