#include "gstreamer/ElementPolicy.hpp"

#include <kms/sdk/Gst.hpp>

#include <mutex>
#include <sstream>
#include <vector>

namespace kurento::filters {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-gst-filter-policy", "GStreamerFilter element policy");
#define GST_CAT_DEFAULT kCat

constexpr const char* kAllowedKey = "allowedElements";

// Words of a property name ("multipass-cache-file" -> multipass, cache, file) that mean the
// element reads or writes something outside the pipeline.
const std::set<std::string>& outsideWords() {
  static const std::set<std::string> words = {
      "location", "uri",  "url",    "file",    "filename", "path",    "dir", "directory",
      "folder",   "host", "socket", "address", "port",     "command", "exec"};
  return words;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) {
    const auto first = part.find_first_not_of(" \t");
    const auto last = part.find_last_not_of(" \t");
    if (first != std::string::npos) {
      parts.push_back(part.substr(first, last - first + 1));
    }
  }
  return parts;
}

std::optional<std::string> outsideProperty(GstElement* element) {
  guint count = 0;
  GParamSpec** specs = g_object_class_list_properties(G_OBJECT_GET_CLASS(element), &count);
  std::optional<std::string> found;
  for (guint i = 0; i < count && !found; ++i) {
    for (const std::string& word : split(g_param_spec_get_name(specs[i]), '-')) {
      if (outsideWords().count(word) != 0) {
        found = g_param_spec_get_name(specs[i]);
        break;
      }
    }
  }
  g_free(specs);
  return found;
}

std::mutex policyMutex;
ElementPolicy currentPolicy;
}  // namespace

ElementPolicy ElementPolicy::fromConfig(const kms::ClassConfig& config) {
  for (const auto& [key, value] : config.values()) {
    if (key != kAllowedKey) {
      config.fail(key, std::string("unknown key (the only key is ") + kAllowedKey + ")");
    }
  }
  std::set<std::string> allowed;
  for (const std::string& name : split(config.getString(kAllowedKey, ""), ',')) {
    auto factory = kms::GRef<GstElementFactory>::adopt(gst_element_factory_find(name.c_str()));
    if (!factory) {
      config.fail(kAllowedKey, "no GStreamer element named '" + name + "' is installed");
    }
    allowed.insert(name);
  }
  return ElementPolicy(std::move(allowed));
}

std::optional<std::string> ElementPolicy::refusal(GstElement* element) const {
  GstElementFactory* factory = gst_element_get_factory(element);
  if (factory == nullptr) {
    return std::string("element '") + GST_OBJECT_NAME(element) + "' has no factory";
  }
  const std::string name = gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory));
  if (allowed_.count(name) != 0) {
    return std::nullopt;
  }
  const char* klass = gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS);
  const std::string classes = klass != nullptr ? klass : "";
  const std::string advice =
      " (an operator can allow it in GStreamerFilter.conf.ini: allowedElements=" + name + ")";
  if (classes.find("Source") != std::string::npos || classes.find("Sink") != std::string::npos) {
    return "element '" + name + "' is refused: a " + classes +
           " element reads or writes outside the pipeline" + advice;
  }
  if (GST_IS_URI_HANDLER(element)) {
    return "element '" + name + "' is refused: it handles URIs" + advice;
  }
  if (auto property = outsideProperty(element)) {
    return "element '" + name + "' is refused: its property '" + *property +
           "' names something outside the pipeline" + advice;
  }
  return std::nullopt;
}

std::optional<std::string> ElementPolicy::refusalIn(GstBin* bin) const {
  GstIterator* iterator = gst_bin_iterate_recurse(bin);
  GValue item = G_VALUE_INIT;
  std::optional<std::string> found;
  bool done = false;
  while (!done && !found) {
    switch (gst_iterator_next(iterator, &item)) {
      case GST_ITERATOR_OK: {
        auto* element = GST_ELEMENT(g_value_get_object(&item));
        if (!GST_IS_BIN(element) || gst_element_get_factory(element) != nullptr) {
          found = refusal(element);
        }
        g_value_reset(&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync(iterator);
        break;
      default:
        done = true;
    }
  }
  g_value_unset(&item);
  gst_iterator_free(iterator);
  return found;
}

const ElementPolicy& elementPolicy() {
  std::lock_guard<std::mutex> lock(policyMutex);
  return currentPolicy;
}

void setElementPolicy(ElementPolicy policy) {
  std::lock_guard<std::mutex> lock(policyMutex);
  currentPolicy = std::move(policy);
  GST_INFO("GStreamerFilter allows %zu named element(s) beyond the default rules",
           currentPolicy.allowed().size());
}

}  // namespace kurento::filters
