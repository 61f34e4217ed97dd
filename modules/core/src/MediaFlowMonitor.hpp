// Watches buffers crossing one pad and reports FLOWING / NOT_FLOWING transitions.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

namespace kurento {

class MediaFlowMonitor {
 public:
  // Called with true on the first buffer after silence, with false after `silenceMs`
  // without buffers. Runs on a streaming thread (true) or the GLib main loop (false).
  using Callback = std::function<void(bool flowing)>;

  MediaFlowMonitor(GstPad* pad, Callback onChange, uint32_t silenceMs = 2000);
  ~MediaFlowMonitor();
  MediaFlowMonitor(const MediaFlowMonitor&) = delete;
  MediaFlowMonitor& operator=(const MediaFlowMonitor&) = delete;

  bool isFlowing() const;
  uint64_t bufferCount() const;

 private:
  struct State;
  static GstPadProbeReturn onBuffer(GstPad* pad, GstPadProbeInfo* info, gpointer state);
  static gboolean onTick(gpointer state);

  std::shared_ptr<State> state_;
  GstPad* pad_;
  gulong probeId_ = 0;
  guint timerId_ = 0;
};

}  // namespace kurento
