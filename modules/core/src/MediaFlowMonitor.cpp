#include "MediaFlowMonitor.hpp"

#include <mutex>

namespace kurento {

struct MediaFlowMonitor::State {
  Callback onChange;
  std::atomic<uint64_t> buffers{0};
  std::atomic<bool> flowing{false};
  uint64_t buffersAtLastTick = 0;  // main loop only
  std::mutex notifyMutex;          // orders the true/false notifications
};

namespace {

// Heap holder so GLib can own a reference to the shared state.
using StateRef = std::shared_ptr<void>;

void deleteStateRef(gpointer data) { delete static_cast<StateRef*>(data); }

}  // namespace

MediaFlowMonitor::MediaFlowMonitor(GstPad* pad, Callback onChange, uint32_t silenceMs)
    : state_(std::make_shared<State>()), pad_(GST_PAD(gst_object_ref(pad))) {
  state_->onChange = std::move(onChange);
  probeId_ = gst_pad_add_probe(pad_,
                               static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER |
                                                            GST_PAD_PROBE_TYPE_BUFFER_LIST),
                               &MediaFlowMonitor::onBuffer,
                               new StateRef(std::static_pointer_cast<void>(state_)),
                               &deleteStateRef);
  timerId_ = g_timeout_add_full(G_PRIORITY_DEFAULT, silenceMs, &MediaFlowMonitor::onTick,
                                new StateRef(std::static_pointer_cast<void>(state_)),
                                &deleteStateRef);
}

MediaFlowMonitor::~MediaFlowMonitor() {
  gst_pad_remove_probe(pad_, probeId_);
  g_source_remove(timerId_);
  gst_object_unref(pad_);
}

bool MediaFlowMonitor::isFlowing() const { return state_->flowing.load(); }

uint64_t MediaFlowMonitor::bufferCount() const { return state_->buffers.load(); }

GstPadProbeReturn MediaFlowMonitor::onBuffer(GstPad*, GstPadProbeInfo*, gpointer data) {
  auto* state = static_cast<State*>(static_cast<StateRef*>(data)->get());
  state->buffers.fetch_add(1, std::memory_order_relaxed);
  if (!state->flowing.load(std::memory_order_relaxed)) {
    std::lock_guard<std::mutex> lock(state->notifyMutex);
    if (!state->flowing.exchange(true)) {
      state->onChange(true);
    }
  }
  return GST_PAD_PROBE_OK;
}

gboolean MediaFlowMonitor::onTick(gpointer data) {
  auto* state = static_cast<State*>(static_cast<StateRef*>(data)->get());
  const uint64_t buffers = state->buffers.load();
  if (buffers == state->buffersAtLastTick && state->flowing.load()) {
    std::lock_guard<std::mutex> lock(state->notifyMutex);
    if (state->buffers.load() == buffers && state->flowing.exchange(false)) {
      state->onChange(false);
    }
  }
  state->buffersAtLastTick = buffers;
  return G_SOURCE_CONTINUE;
}

}  // namespace kurento
