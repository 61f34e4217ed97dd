#include "GStreamerFilterImpl.hpp"

#include "MediaPipelineImpl.hpp"
#include "gstreamer/FilterGraph.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

namespace kurento {

namespace {
[[noreturn]] void refuse(const std::string& reason) {
  throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError, reason);
}
}  // namespace

GStreamerFilterImpl::GStreamerFilterImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                                         const std::string& command, const FilterType& filterType)
    : GStreamerFilterBase(mediaPipeline, "gstreamerfilter"), command_(command) {
  FilterType type = filterType;
  kms::GRef<GstElement> parsed = filters::parseFilterCommand(command, type);
  filter_ = parsed.get();
  gst_bin_add(bin(), filter_);  // takes a reference of its own
  const MediaType filtered = type == FilterType::AUDIO ? MediaType::AUDIO : MediaType::VIDEO;
  filtered_ = filtered;
  const MediaType passed = filtered == MediaType::AUDIO ? MediaType::VIDEO : MediaType::AUDIO;
  setInput(filtered, filters::buildFilterGraph(bin(), filter_, type, outputSinkPad(filtered)));
  setInput(passed, outputSinkPad(passed));
}

GstCaps* GStreamerFilterImpl::acceptedInput(MediaType type) {
  if (type != filtered_) {
    return nullptr;  // passes untouched
  }
  return gst_caps_new_empty_simple(type == MediaType::AUDIO ? "audio/x-raw" : "video/x-raw");
}

GstElement* GStreamerFilterImpl::findElementWith(const std::string& propertyName) const {
  for (GstElement* element : filters::chainElements(GST_BIN(filter_))) {
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(element), propertyName.c_str()) !=
        nullptr) {
      return element;  // owned by filter_
    }
  }
  return nullptr;
}

void GStreamerFilterImpl::setElementProperty(const std::string& propertyName,
                                             const std::string& propertyValue) {
  GstElement* element = findElementWith(propertyName);
  if (element == nullptr) {
    refuse("no element of '" + command_ + "' has a property '" + propertyName + "'");
  }
  GParamSpec* spec =
      g_object_class_find_property(G_OBJECT_GET_CLASS(element), propertyName.c_str());
  if ((spec->flags & G_PARAM_WRITABLE) == 0 || (spec->flags & G_PARAM_CONSTRUCT_ONLY) != 0) {
    refuse("property '" + propertyName + "' of " + GST_OBJECT_NAME(element) + " cannot be changed");
  }
  GValue value = G_VALUE_INIT;
  g_value_init(&value, G_PARAM_SPEC_VALUE_TYPE(spec));
  if (!gst_value_deserialize(&value, propertyValue.c_str())) {
    g_value_unset(&value);
    refuse("'" + propertyValue + "' is not a valid " + g_type_name(G_PARAM_SPEC_VALUE_TYPE(spec)) +
           " for property '" + propertyName + "' of " + GST_OBJECT_NAME(element));
  }
  if (g_param_value_validate(spec, &value)) {
    g_value_unset(&value);
    refuse("'" + propertyValue + "' is out of range for property '" + propertyName + "' of " +
           GST_OBJECT_NAME(element));
  }
  g_object_set_property(G_OBJECT(element), propertyName.c_str(), &value);
  g_value_unset(&value);
}

}  // namespace kurento
