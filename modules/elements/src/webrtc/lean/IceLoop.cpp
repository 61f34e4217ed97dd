// The lean transports' shared event loop.
#include "webrtc/lean/IceLoop.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <utility>

namespace kurento::webrtc::lean {

namespace {
struct Posted {
  std::function<void()> work;
};

gboolean runPosted(gpointer data) {
  static_cast<Posted*>(data)->work();
  return G_SOURCE_REMOVE;
}

void deletePosted(gpointer data) { delete static_cast<Posted*>(data); }
}  // namespace

IceLoop& IceLoop::instance() {
  static IceLoop* loop = new IceLoop();  // lives as long as the process: agents may outlive main
  return *loop;
}

IceLoop::IceLoop() {
  context_ = g_main_context_new();
  loop_ = g_main_loop_new(context_, FALSE);
  thread_ = g_thread_new("kms-lean-ice", &IceLoop::run, this);
}

gpointer IceLoop::run(gpointer data) {
  auto* self = static_cast<IceLoop*>(data);
  g_main_context_push_thread_default(self->context_);
  g_main_loop_run(self->loop_);
  g_main_context_pop_thread_default(self->context_);
  return nullptr;
}

bool IceLoop::onLoopThread() const { return g_thread_self() == thread_; }

void IceLoop::post(std::function<void()> work) {
  GSource* source = g_idle_source_new();
  g_source_set_priority(source, G_PRIORITY_DEFAULT);
  g_source_set_callback(source, &runPosted, new Posted{std::move(work)}, &deletePosted);
  g_source_attach(source, context_);
  g_source_unref(source);
}

void IceLoop::runSync(const std::function<void()>& work) {
  if (onLoopThread()) {
    work();
    return;
  }
  std::mutex mutex;
  std::condition_variable done;
  bool finished = false;
  std::exception_ptr failure;
  post([&] {
    try {
      work();
    } catch (...) {
      failure = std::current_exception();  // thrown again on the caller's thread
    }
    std::lock_guard<std::mutex> lock(mutex);
    finished = true;
    done.notify_one();
  });
  std::unique_lock<std::mutex> lock(mutex);
  done.wait(lock, [&] { return finished; });
  if (failure) {
    std::rethrow_exception(failure);
  }
}

}  // namespace kurento::webrtc::lean
