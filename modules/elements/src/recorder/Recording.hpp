// One recording, from record() to the complete file: it waits for the media (video from a
// keyframe; up to kStartWindowMs for the other stream to show up, so audio-only or video-only
// sources still record), starts the Writer with the streams that came, moves buffer times so
// the file starts at 0 and a pause leaves no gap, and drops what arrives while paused.
#pragma once

#include "Writer.hpp"

#include <gst/gst.h>

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kurento::recorder {

struct RecordingSetup {
  std::string name;       // the writer pipeline's name
  Profile profile;
  std::string uri;
  std::string localPath;  // "" for HTTP targets
  std::string caFile;     // https targets: extra trust anchors (PEM)
  int bitrateBps = 0;
  std::array<bool, 2> expected{};  // [audio, video]: connected and recorded by the profile
};

struct RecordingEvents {
  std::function<void()> onStarted;          // the first media went into the file
  std::function<void()> onFinished;         // the file is complete
  std::function<void(const std::string&, int32_t, const std::string&)> onError;
  std::function<void()> requestKeyframe;    // ask the video source for a keyframe
};

class Recording {
 public:
  static constexpr GstClockTime kStartWindow = 1500 * GST_MSECOND;
  static constexpr GstClockTime kKeyframeRetry = 1000 * GST_MSECOND;

  Recording(RecordingSetup setup, RecordingEvents events);
  ~Recording();

  // A sample that reached the recorder's input, and the element pipeline's running time now.
  void offer(bool video, GstSample* sample, GstClockTime now);
  void pause(GstClockTime now);
  void resume(GstClockTime now);
  // Ends the recording; `events.onFinished` fires when the file is complete.
  void finish();
  bool waitFinished(int timeoutMs);
  bool transcodes(bool video) const;

 private:
  struct Pending {
    bool video;
    GstSample* sample;
  };
  bool startable(GstClockTime now) const;
  void start();
  void write(bool video, GstSample* sample);
  void keyframeWanted(GstClockTime now);

  const RecordingSetup setup_;
  const RecordingEvents events_;
  mutable std::mutex mutex_;
  std::shared_ptr<Writer> writer_;
  std::vector<Pending> pending_;
  std::array<bool, 2> arrived_{};
  std::array<bool, 2> needKeyframe_{false, true};
  GstClockTime firstArrival_ = GST_CLOCK_TIME_NONE;
  GstClockTime lastKeyframeRequest_ = GST_CLOCK_TIME_NONE;
  GstClockTime base_ = GST_CLOCK_TIME_NONE;  // running time written as 0
  GstClockTime pausedTotal_ = 0;
  GstClockTime pausedAt_ = GST_CLOCK_TIME_NONE;
  bool finishing_ = false;
  bool lateWarned_ = false;
};

// A buffer's running time in its sample's segment (PTS, or DTS when `dts`).
GstClockTime runningTime(GstSample* sample, bool dts);

}  // namespace kurento::recorder
