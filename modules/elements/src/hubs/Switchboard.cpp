#include "Switchboard.hpp"

#include "FormatAdapter.hpp"
#include "HubElements.hpp"
#include "HubPortImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

namespace kurento::hubs {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-hub-switch", "Dispatching hubs");

GstPad* staticPad(GstElement* element, const char* name) {
  GstPad* pad = gst_element_get_static_pad(element, name);
  gst_object_unref(pad);  // the element keeps it
  return pad;
}
}  // namespace
#define GST_CAT_DEFAULT kCat

void Switchboard::add(HubPortImpl& port) {
  Port& entry = ports_[port.id()];
  GstElement* portBin = GST_ELEMENT(port.bin());
  for (MediaType type : types_) {
    GstElement* tee = addElement(bin_, "tee");
    g_object_set(tee, "allow-not-linked", TRUE, nullptr);
    gst_element_sync_state_with_parent(tee);
    entry.tees[type] = tee;
    entry.inputs[type] = HubImpl::linkAcross(portBin, port.toHubPad(type), GST_ELEMENT(bin_),
                                             staticPad(tee, "sink"));
    Output& output = entry.outputs[type];
    output.queue = addElement(bin_, "queue");
    isolateBranch(output.queue);
    gst_element_sync_state_with_parent(output.queue);
    output.link = HubImpl::linkAcross(GST_ELEMENT(bin_), staticPad(output.queue, "src"), portBin,
                                      port.fromHubPad(type));
  }
}

void Switchboard::remove(HubPortImpl& port) {
  auto found = ports_.find(port.id());
  if (found == ports_.end()) {
    return;
  }
  for (auto& [id, other] : ports_) {
    for (MediaType type : types_) {
      if (other.outputs[type].sourceId == port.id()) {
        unroute(other.outputs[type], type);
      }
    }
  }
  Port& entry = found->second;
  for (MediaType type : types_) {
    Output& output = entry.outputs[type];
    unroute(output, type);
    HubImpl::unlinkAcross(output.link);
    stopAndRemove(bin_, output.queue);
    HubImpl::unlinkAcross(entry.inputs[type]);
    stopAndRemove(bin_, entry.tees[type]);
  }
  ports_.erase(found);
}

void Switchboard::route(const std::string& sinkId, const std::string& sourceId) {
  auto sink = ports_.find(sinkId);
  auto source = ports_.find(sourceId);
  if (sink == ports_.end() || (!sourceId.empty() && source == ports_.end())) {
    return;
  }
  for (MediaType type : types_) {
    Output& output = sink->second.outputs[type];
    if (output.sourceId == sourceId) {
      continue;
    }
    unroute(output, type);
    if (sourceId.empty()) {
      continue;
    }
    output.sourceId = sourceId;
    output.tee = source->second.tees[type];
    output.teePad = kms::GRef<GstPad>::adopt(gst_element_request_pad_simple(output.tee, "src_%u"));
    GstPad* queueSink = staticPad(output.queue, "sink");
    if (type == MediaType::VIDEO) {
      output.gate = gst_pad_add_probe(queueSink, GST_PAD_PROBE_TYPE_BUFFER,
                                      &Switchboard::dropUntilKeyframe, new bool(false),
                                      [](gpointer open) { delete static_cast<bool*>(open); });
    }
    gst_pad_link(output.teePad.get(), queueSink);
    // Upstream through the source port to whatever feeds it (an encoder, or the remote peer).
    gst_pad_send_event(output.teePad.get(), newKeyframeRequest());
    GST_INFO("%s fed from %s (%s)", sinkId.c_str(), sourceId.c_str(),
             type == MediaType::AUDIO ? "audio" : "video");
  }
}

void Switchboard::requirePort(const std::shared_ptr<HubPortImpl>& port, const std::string& hubId,
                              const char* role) const {
  if (!port || !has(port->id())) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                std::string(role) + " " + (port ? port->id() : "(null)") +
                                    " is not a HubPort of " + hubId);
  }
}

std::string Switchboard::sourceOf(const std::string& sinkId) const {
  auto found = ports_.find(sinkId);
  if (found == ports_.end()) {
    return "";
  }
  auto video = found->second.outputs.find(MediaType::VIDEO);
  return video != found->second.outputs.end() ? video->second.sourceId : "";
}

void Switchboard::unroute(Output& output, MediaType) {
  if (!output.teePad) {
    return;
  }
  GstPad* queueSink = staticPad(output.queue, "sink");
  gst_pad_unlink(output.teePad.get(), queueSink);
  if (output.gate != 0) {
    gst_pad_remove_probe(queueSink, output.gate);
    output.gate = 0;
  }
  gst_element_release_request_pad(output.tee, output.teePad.get());
  output.teePad = {};
  output.tee = nullptr;
  output.sourceId.clear();
}

// Encoded video after a switch starts at a keyframe; raw video has no delta frames.
GstPadProbeReturn Switchboard::dropUntilKeyframe(GstPad*, GstPadProbeInfo* info, gpointer data) {
  bool& open = *static_cast<bool*>(data);  // streaming thread only
  if (!open) {
    if (GST_BUFFER_FLAG_IS_SET(GST_PAD_PROBE_INFO_BUFFER(info), GST_BUFFER_FLAG_DELTA_UNIT)) {
      return GST_PAD_PROBE_DROP;
    }
    open = true;
  }
  return GST_PAD_PROBE_OK;
}

}  // namespace kurento::hubs
