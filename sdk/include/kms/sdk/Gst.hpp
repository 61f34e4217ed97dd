// RAII over GObject/GStreamer references and the per-file debug category helper.
#pragma once

#include <gst/gst.h>

#include <utility>

namespace kms {

// Owns one reference to a GObject (GstElement, GstPad, GstBus, ...).
template <class T>
class GRef {
 public:
  GRef() = default;
  // Takes ownership of a full reference (sinks a floating one).
  static GRef adopt(T* object) {
    GRef ref;
    if (object != nullptr && g_object_is_floating(object)) {
      g_object_ref_sink(object);
    }
    ref.object_ = object;
    return ref;
  }
  // Adds a reference of its own.
  static GRef share(T* object) {
    GRef ref;
    ref.object_ = object != nullptr ? static_cast<T*>(g_object_ref(object)) : nullptr;
    return ref;
  }
  GRef(const GRef& other) : object_(other.object_) {
    if (object_ != nullptr) {
      g_object_ref(object_);
    }
  }
  GRef(GRef&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  GRef& operator=(GRef other) noexcept {
    std::swap(object_, other.object_);
    return *this;
  }
  ~GRef() {
    if (object_ != nullptr) {
      g_object_unref(object_);
    }
  }

  T* get() const { return object_; }
  T* operator->() const { return object_; }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  T* object_ = nullptr;
};

// Owns one reference to a GstMiniObject-based value (GstCaps, GstBuffer, GstStructure no).
template <class T>
class MiniRef {
 public:
  MiniRef() = default;
  explicit MiniRef(T* object) : object_(object) {}
  MiniRef(const MiniRef&) = delete;
  MiniRef& operator=(const MiniRef&) = delete;
  MiniRef(MiniRef&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  ~MiniRef() {
    if (object_ != nullptr) {
      gst_mini_object_unref(GST_MINI_OBJECT_CAST(object_));
    }
  }
  T* get() const { return object_; }

 private:
  T* object_ = nullptr;
};

// A named debug category, created once; use as
//   static GstDebugCategory* const kCat = kms::debugCategory("kms-core-pipeline", "...");
//   #define GST_CAT_DEFAULT kCat
GstDebugCategory* debugCategory(const char* name, const char* description);

// Keeps what goes wrong downstream of `sinkPad` there: its chain functions return OK upstream
// instead of EOS or an error. For the input of a consumer that shares a source with others (a
// tee's branch): a tee hands one branch's failure back to its source, which then stops for
// every branch. Calling it again on the same pad does nothing.
void keepFailuresDownstream(GstPad* sinkPad);

}  // namespace kms
