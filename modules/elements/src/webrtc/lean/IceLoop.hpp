// The one thread on which every lean WebRTC transport's ICE agent, DTLS handshake and RTCP
// timers run (a GMainContext of its own): a viewer costs no thread.
#pragma once

#include <glib.h>

#include <functional>

namespace kurento::webrtc::lean {

class IceLoop {
 public:
  // The process's loop, started on first use.
  static IceLoop& instance();

  GMainContext* context() const { return context_; }
  bool onLoopThread() const;
  // Runs `work` on the loop thread and waits for it (inline when already there).
  void runSync(const std::function<void()>& work);
  // Runs `work` on the loop thread later.
  void post(std::function<void()> work);

 private:
  IceLoop();
  static gpointer run(gpointer self);

  GMainContext* context_ = nullptr;
  GMainLoop* loop_ = nullptr;
  GThread* thread_ = nullptr;
};

}  // namespace kurento::webrtc::lean
