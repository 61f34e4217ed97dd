#include "Recording.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/Gst.hpp>

#include <algorithm>

namespace kurento::recorder {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-recorder-recording", "One recording");
constexpr size_t kMaxPending = 2000;
}  // namespace
#define GST_CAT_DEFAULT kCat

GstClockTime runningTime(GstSample* sample, bool dts) {
  GstBuffer* buffer = gst_sample_get_buffer(sample);
  const GstSegment* segment = gst_sample_get_segment(sample);
  if (buffer == nullptr || segment == nullptr) {
    return GST_CLOCK_TIME_NONE;
  }
  const GstClockTime time = dts ? GST_BUFFER_DTS(buffer) : GST_BUFFER_PTS(buffer);
  return gst_segment_to_running_time(segment, GST_FORMAT_TIME, time);
}

Recording::Recording(RecordingSetup setup, RecordingEvents events)
    : setup_(std::move(setup)), events_(std::move(events)) {}

Recording::~Recording() {
  for (Pending& pending : pending_) {
    gst_sample_unref(pending.sample);
  }
}

void Recording::keyframeWanted(GstClockTime now) {
  if (!GST_CLOCK_TIME_IS_VALID(lastKeyframeRequest_) || now >= lastKeyframeRequest_ + kKeyframeRetry) {
    lastKeyframeRequest_ = now;
    if (events_.requestKeyframe) {
      events_.requestKeyframe();
    }
  }
}

void Recording::offer(bool video, GstSample* sample, GstClockTime now) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (finishing_ || GST_CLOCK_TIME_IS_VALID(pausedAt_) || !setup_.expected[video ? 1 : 0]) {
    return;
  }
  GstBuffer* buffer = gst_sample_get_buffer(sample);
  if (buffer == nullptr) {
    return;
  }
  const size_t slot = video ? 1 : 0;
  if (needKeyframe_[slot]) {
    if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)) {
      keyframeWanted(now);
      return;  // a file (or its part after a pause) starts on a keyframe
    }
    needKeyframe_[slot] = false;
  }
  if (writer_) {
    if (!writer_->writes(video)) {
      if (!lateWarned_) {
        lateWarned_ = true;
        GST_WARNING("%s: %s arrived after the recording started without it; not recorded",
                    setup_.uri.c_str(), video ? "video" : "audio");
      }
      return;
    }
    write(video, sample);
    return;
  }
  if (!GST_CLOCK_TIME_IS_VALID(firstArrival_)) {
    firstArrival_ = now;
  }
  arrived_[slot] = true;
  if (pending_.size() < kMaxPending) {
    pending_.push_back({video, gst_sample_ref(sample)});
  }
  if (!startable(now)) {
    return;
  }
  try {
    start();
  } catch (const std::exception& error) {
    // A streaming thread: the failure becomes an Error event, never an exception here.
    GST_ERROR("%s: cannot start the recording: %s", setup_.uri.c_str(), error.what());
    finishing_ = true;
    lock.unlock();
    if (events_.onError) {
      events_.onError("RECORDER_ERROR", static_cast<int32_t>(kms::ErrorCode::kUnexpectedError),
                      "cannot record to '" + setup_.uri + "': " + error.what());
    }
    if (events_.onFinished) {
      events_.onFinished();
    }
    return;
  }
  lock.unlock();
  if (events_.onStarted) {
    events_.onStarted();
  }
}

bool Recording::startable(GstClockTime now) const {
  const bool all = (!setup_.expected[0] || arrived_[0]) && (!setup_.expected[1] || arrived_[1]);
  return all || now >= firstArrival_ + kStartWindow;
}

void Recording::start() {
  std::vector<StreamStart> streams;
  for (bool video : {false, true}) {
    for (const Pending& pending : pending_) {
      if (pending.video == video) {
        streams.push_back({video, gst_sample_get_caps(pending.sample)});
        break;
      }
    }
  }
  for (const Pending& pending : pending_) {
    const GstClockTime time = runningTime(pending.sample, false);
    if (GST_CLOCK_TIME_IS_VALID(time)) {
      base_ = GST_CLOCK_TIME_IS_VALID(base_) ? std::min(base_, time) : time;
    }
  }
  GST_INFO("%s: recording starts with %zu stream(s)", setup_.uri.c_str(), streams.size());
  writer_ = Writer::create(setup_.name, setup_.profile,
                           {setup_.uri, setup_.localPath, setup_.caFile}, streams,
                           setup_.bitrateBps, {events_.onFinished, events_.onError});
  std::vector<Pending> pending;
  pending.swap(pending_);
  for (Pending& item : pending) {
    write(item.video, item.sample);
    gst_sample_unref(item.sample);
  }
}

void Recording::write(bool video, GstSample* sample) {
  const GstClockTime pts = runningTime(sample, false);
  const GstClockTime dts = runningTime(sample, true);
  const GstClockTime shift = base_ + pausedTotal_;
  const GstClockTime order = GST_CLOCK_TIME_IS_VALID(dts) ? dts : pts;
  if (!GST_CLOCK_TIME_IS_VALID(order) || order < shift) {
    return;  // from before the start (or the pause): not part of the file
  }
  GstBuffer* out = gst_buffer_copy(gst_sample_get_buffer(sample));
  GST_BUFFER_PTS(out) = GST_CLOCK_TIME_IS_VALID(pts) && pts >= shift ? pts - shift : order - shift;
  GST_BUFFER_DTS(out) = GST_CLOCK_TIME_IS_VALID(dts) ? dts - shift : GST_CLOCK_TIME_NONE;
  writer_->push(video, out, gst_sample_get_caps(sample));
}

void Recording::pause(GstClockTime now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!GST_CLOCK_TIME_IS_VALID(pausedAt_)) {
    pausedAt_ = now;
  }
}

void Recording::resume(GstClockTime now) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!GST_CLOCK_TIME_IS_VALID(pausedAt_)) {
      return;
    }
    // Only time spent while writing is cut out; before the start nothing has a time yet.
    if (writer_) {
      pausedTotal_ += now - pausedAt_;
    }
    pausedAt_ = GST_CLOCK_TIME_NONE;
    needKeyframe_[1] = true;
    lastKeyframeRequest_ = GST_CLOCK_TIME_NONE;
  }
  if (events_.requestKeyframe) {
    events_.requestKeyframe();
  }
}

void Recording::finish() {
  std::shared_ptr<Writer> writer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finishing_) {
      return;
    }
    finishing_ = true;
    writer = writer_;
  }
  if (writer) {
    writer->finish();
  } else {
    GST_WARNING("%s: no media arrived; nothing was written", setup_.uri.c_str());
    if (events_.onFinished) {
      events_.onFinished();
    }
  }
}

bool Recording::waitFinished(int timeoutMs) {
  std::shared_ptr<Writer> writer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    writer = writer_;
  }
  return !writer || writer->waitFinished(timeoutMs);
}

bool Recording::transcodes(bool video) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return writer_ && writer_->transcodes(video);
}

}  // namespace kurento::recorder
