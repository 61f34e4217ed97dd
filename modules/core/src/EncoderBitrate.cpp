#include "EncoderBitrate.hpp"

#include <kms/sdk/Gst.hpp>

#include <algorithm>

namespace kurento {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-core-bitrate", "Bitrate of encoders shared by several sinks");

constexpr const char* kQuark = "kms-encoder-bitrate";

void destroy(gpointer state) { delete static_cast<EncoderBitrate*>(state); }
}  // namespace
#define GST_CAT_DEFAULT kCat

void setVideoEncoderBitrate(GstElement* encoder, int64_t bps) {
  GObjectClass* klass = G_OBJECT_GET_CLASS(encoder);
  const gint clamped = static_cast<gint>(std::clamp<int64_t>(bps, 1, G_MAXINT));
  if (g_object_class_find_property(klass, "target-bitrate") != nullptr) {
    g_object_set(encoder, "target-bitrate", clamped, nullptr);
  } else if (g_object_class_find_property(klass, "bitrate") != nullptr) {
    g_object_set(encoder, "bitrate", static_cast<guint>(clamped), nullptr);
  }
}

EncoderBitrate& EncoderBitrate::of(GstElement* encoder) {
  // Made under the object's lock, so two sinks' first wishes find one state.
  GST_OBJECT_LOCK(encoder);
  auto* state = static_cast<EncoderBitrate*>(g_object_get_data(G_OBJECT(encoder), kQuark));
  if (state == nullptr) {
    state = new EncoderBitrate(encoder);
    g_object_set_data_full(G_OBJECT(encoder), kQuark, state, &destroy);
  }
  GST_OBJECT_UNLOCK(encoder);
  return *state;
}

void EncoderBitrate::setBounds(const Bounds& bounds) {
  std::lock_guard<std::mutex> lock(mutex_);
  bounds_ = bounds;
  apply();
}

void EncoderBitrate::wish(const void* sink, int64_t bps) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (bps > 0) {
    wishes_[sink] = bps;
  } else if (wishes_.erase(sink) == 0) {
    return;
  }
  apply();
}

int64_t EncoderBitrate::appliedBps() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return applied_;
}

size_t EncoderBitrate::wishes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return wishes_.size();
}

void EncoderBitrate::apply() {
  int64_t bps = bounds_.startBps;
  if (!wishes_.empty()) {
    bps = std::min_element(wishes_.begin(), wishes_.end(), [](const auto& a, const auto& b) {
            return a.second < b.second;
          })->second;
  }
  bps = std::max(bps, bounds_.minBps);
  if (bounds_.maxBps > 0) {
    bps = std::min(bps, bounds_.maxBps);
  }
  if (bps <= 0 || bps == applied_) {
    return;
  }
  applied_ = bps;
  setVideoEncoderBitrate(encoder_, bps);
  GST_DEBUG("%s: %lld bps (%zu sinks, bounds %lld-%lld)", GST_OBJECT_NAME(encoder_),
            static_cast<long long>(bps), wishes_.size(), static_cast<long long>(bounds_.minBps),
            static_cast<long long>(bounds_.maxBps));
}

}  // namespace kurento
