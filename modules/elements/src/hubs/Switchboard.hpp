// The graph of the dispatching hubs (Dispatcher, DispatcherOneToMany): each port's input goes
// into a tee of the hub, each port's output is fed from the tee of the port it is routed to,
// untouched (no decoding). Switching a port to another source happens mid-stream: the new
// source is asked for a keyframe and the port receives nothing until that keyframe arrives,
// so its viewers never decode from a missing reference (no grey frames).
#pragma once

#include "HubImpl.hpp"

#include <gst/gst.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kurento {
class HubPortImpl;
}

namespace kurento::hubs {

class Switchboard {
 public:
  // The ports' media of `types` go through the board (Mixer routes only video).
  explicit Switchboard(GstBin* bin,
                       std::vector<MediaType> types = {MediaType::AUDIO, MediaType::VIDEO})
      : bin_(bin), types_(std::move(types)) {}
  Switchboard(const Switchboard&) = delete;
  Switchboard& operator=(const Switchboard&) = delete;

  void add(HubPortImpl& port);
  void remove(HubPortImpl& port);
  bool has(const std::string& portId) const { return ports_.count(portId) != 0; }
  // Throws MEDIA_OBJECT_ILLEGAL_PARAM_ERROR "<role> <id> is not a HubPort of <hubId>".
  void requirePort(const std::shared_ptr<HubPortImpl>& port, const std::string& hubId,
                   const char* role) const;
  // Feeds `sinkId`'s output from `sourceId`'s input (a source may feed itself); an empty
  // `sourceId` stops feeding it.
  void route(const std::string& sinkId, const std::string& sourceId);
  // The port feeding `sinkId`, or "".
  std::string sourceOf(const std::string& sinkId) const;

 private:
  struct Output {  // one media type of a port's output
    std::string sourceId;
    GstElement* tee = nullptr;   // the source's
    // Of the source's tee: held until unrouted, or until the board goes (a hub dropped with
    // ports still routed gave its references back to no one).
    kms::GRef<GstPad> teePad;
    GstElement* queue = nullptr;
    // Probe dropping until a keyframe; its state (has the keyframe come) belongs to the probe:
    // a hub dropped with ports still routed freed an Output the source's streaming thread
    // was still reading (heap-use-after-free under ASan at the end of a Mixer test).
    gulong gate = 0;
    HubImpl::BinLink link;       // queue -> the port's output
  };
  struct Port {
    std::map<MediaType, GstElement*> tees;  // the port's input, one per media type
    std::map<MediaType, HubImpl::BinLink> inputs;
    std::map<MediaType, Output> outputs;
  };

  void unroute(Output& output, MediaType type);
  static GstPadProbeReturn dropUntilKeyframe(GstPad* pad, GstPadProbeInfo* info, gpointer data);

  GstBin* bin_;
  const std::vector<MediaType> types_;
  std::map<std::string, Port> ports_;
};

}  // namespace kurento::hubs
