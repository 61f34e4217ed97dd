#include "RecorderEndpointImpl.hpp"

#include "MediaPipelineImpl.hpp"
#include "player/NetworkCheck.hpp"
#include "player/OutputFeed.hpp"
#include "rtp/MediaPaths.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <gst/app/gstappsink.h>
#include <glib/gstdio.h>

#include <cerrno>
#include <cstring>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-recorder", "RecorderEndpoint");
const std::vector<std::string> kSchemes = {"file", "http", "https"};
}  // namespace
#define GST_CAT_DEFAULT kCat

RecorderEndpointImpl::RecorderEndpointImpl(const std::shared_ptr<MediaPipelineImpl>& mediaPipeline,
                                           const std::string& uri,
                                           const MediaProfileSpecType& mediaProfile,
                                           bool stopOnEndOfStream)
    : RecorderEndpointBase(mediaPipeline, "recorder", uri, kSchemes),
      profile_(recorder::profileOf(mediaProfile)),
      stopOnEndOfStream_(stopOnEndOfStream) {
  if (profile_.audio.recorded) {
    addInput(MediaType::AUDIO);
  }
  if (profile_.video.recorded) {
    addInput(MediaType::VIDEO);
  }
}

void RecorderEndpointImpl::addInput(MediaType type) {
  const bool video = type == MediaType::VIDEO;
  GstElement* sink = gst_element_factory_make("appsink", video ? "recorder_video" : "recorder_audio");
  gst_bin_add(bin(), sink);
  g_object_set(sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, nullptr);
  sinks_[video ? 1 : 0] = sink;
  GstPad* pad = gst_element_get_static_pad(sink, "sink");
  setInput(type, pad);
  gst_object_unref(pad);
}

void RecorderEndpointImpl::postConstructor() {
  RecorderEndpointBase::postConstructor();
  // The callbacks hold a weak reference: a sample arriving during release finds no element.
  for (GstElement* sink : sinks_) {
    if (sink == nullptr) {
      continue;
    }
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &RecorderEndpointImpl::onSample;
    gst_app_sink_set_callbacks(
        GST_APP_SINK(sink), &callbacks, new std::weak_ptr<RecorderEndpointImpl>(weakSelf()),
        [](gpointer weak) { delete static_cast<std::weak_ptr<RecorderEndpointImpl>*>(weak); });
    GstPad* pad = gst_element_get_static_pad(sink, "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, &RecorderEndpointImpl::onInputEvent,
                      new std::weak_ptr<RecorderEndpointImpl>(weakSelf()),
                      [](gpointer weak) { delete static_cast<std::weak_ptr<RecorderEndpointImpl>*>(weak); });
    gst_object_unref(pad);
  }
}

std::weak_ptr<RecorderEndpointImpl> RecorderEndpointImpl::weakSelf() {
  return std::static_pointer_cast<RecorderEndpointImpl>(shared_from_this());
}

std::shared_ptr<recorder::Recording> RecorderEndpointImpl::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return recording_;
}

GstClockTime RecorderEndpointImpl::now() const {
  GstClock* clock = gst_element_get_clock(GST_ELEMENT(bin()));
  if (clock == nullptr) {
    return 0;
  }
  const GstClockTime time = gst_clock_get_time(clock);
  gst_object_unref(clock);
  const GstClockTime base = gst_element_get_base_time(GST_ELEMENT(bin()));
  return time > base ? time - base : 0;
}

GstFlowReturn RecorderEndpointImpl::onSample(GstAppSink* sink, gpointer weak) {
  GstSample* sample = gst_app_sink_pull_sample(sink);
  if (sample == nullptr) {
    return GST_FLOW_EOS;
  }
  auto object = static_cast<std::weak_ptr<RecorderEndpointImpl>*>(weak)->lock();
  RecorderEndpointImpl* self = object.get();
  if (self != nullptr) {
    if (auto recording = self->current()) {
      recording->offer(GST_ELEMENT(sink) == self->sinks_[1], sample, self->now());
    }
  }
  gst_sample_unref(sample);
  return GST_FLOW_OK;
}

GstPadProbeReturn RecorderEndpointImpl::onInputEvent(GstPad*, GstPadProbeInfo* info,
                                                     gpointer weak) {
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (!player::isEndOfStreamEvent(event)) {
    return GST_PAD_PROBE_OK;
  }
  auto object = static_cast<std::weak_ptr<RecorderEndpointImpl>*>(weak)->lock();
  RecorderEndpointImpl* self = object.get();
  if (self != nullptr && self->stopOnEndOfStream_) {
    // Not from the streaming thread: stop() waits for nothing, but raises events.
    g_idle_add_full(
        G_PRIORITY_DEFAULT,
        [](gpointer data) -> gboolean {
          if (auto target = static_cast<std::weak_ptr<RecorderEndpointImpl>*>(data)->lock()) {
            target->onSourceEnd();
          }
          return G_SOURCE_REMOVE;
        },
        new std::weak_ptr<RecorderEndpointImpl>(object),
        [](gpointer data) { delete static_cast<std::weak_ptr<RecorderEndpointImpl>*>(data); });
  }
  return GST_PAD_PROBE_OK;
}

void RecorderEndpointImpl::onSourceEnd() {
  GST_INFO("%s: the source ended; stopping (stopOnEndOfStream)", id().c_str());
  stop();
}

void RecorderEndpointImpl::requestKeyframe() {
  if (GstElement* sink = sinks_[1]) {
    gst_element_send_event(sink, rtp::newKeyframeRequest());
  }
}

// The folder of a file target is made if missing; a target that cannot be written raises an
// Error event naming the path and the system's reason.
bool RecorderEndpointImpl::targetUsable() {
  const std::string path = localPath();
  if (path.empty()) {
    return true;
  }
  gchar* folder = g_path_get_dirname(path.c_str());
  std::string problem;
  if (g_mkdir_with_parents(folder, 0755) != 0) {
    problem = "cannot create folder '" + std::string(folder) + "': " + std::strerror(errno);
  } else if (g_access(folder, W_OK) != 0) {
    problem = "cannot write in folder '" + std::string(folder) + "': " + std::strerror(errno);
  } else if (g_file_test(path.c_str(), G_FILE_TEST_EXISTS) && g_access(path.c_str(), W_OK) != 0) {
    problem = "cannot write file '" + path + "': " + std::strerror(errno);
  }
  g_free(folder);
  if (!problem.empty()) {
    GST_WARNING("%s: %s", id().c_str(), problem.c_str());
    raiseMediaError("RECORDER_ERROR", problem, static_cast<int32_t>(kms::ErrorCode::kUriPathFileNotFound));
    return false;
  }
  return true;
}

void RecorderEndpointImpl::begin() {
  recorder::RecordingSetup setup;
  setup.name = id() + "_writer_" + std::to_string(recordings_++);
  setup.profile = profile_;
  setup.uri = uri();
  setup.localPath = localPath();
  setup.caFile = player::readCaFileSetting(kms::serverContext().classConfig("RecorderEndpoint"));
  setup.bitrateBps = getEncoderBitrate();
  setup.expected = {profile_.audio.recorded && !getSourceConnections(MediaType::AUDIO, std::nullopt).empty(),
                    profile_.video.recorded && !getSourceConnections(MediaType::VIDEO, std::nullopt).empty()};
  if (!setup.expected[0] && !setup.expected[1]) {
    // Nothing connected yet: take whatever the profile records once it is connected.
    setup.expected = {profile_.audio.recorded, profile_.video.recorded};
  }
  std::weak_ptr<RecorderEndpointImpl> weak = weakSelf();
  auto self = [weak]() { return weak.lock(); };
  recorder::RecordingEvents events;
  events.onStarted = [self] {
    if (auto recorder = self()) {
      recorder->raiseRecording(kurento::Recording{});
    }
  };
  events.onFinished = [self] {
    if (auto recorder = self()) {
      recorder->raiseStopped(Stopped{});
    }
  };
  events.onError = [self](const std::string& type, int32_t code, const std::string& description) {
    if (auto recorder = self()) {
      recorder->raiseMediaError(type, description, code);
      recorder->setState(UriEndpointState::STOP);
    }
  };
  events.requestKeyframe = [self] {
    if (auto recorder = self()) {
      recorder->requestKeyframe();
    }
  };
  auto recording = std::make_shared<recorder::Recording>(std::move(setup), std::move(events));
  std::lock_guard<std::mutex> lock(mutex_);
  recording_ = recording;
}

void RecorderEndpointImpl::record() {
  const UriEndpointState state = getState();
  if (state == UriEndpointState::START) {
    return;
  }
  if (state == UriEndpointState::PAUSE) {
    if (auto recording = current()) {
      recording->resume(now());
    }
    setState(UriEndpointState::START);
    raiseRecording(kurento::Recording{});
    return;
  }
  if (!targetUsable()) {
    return;
  }
  GST_INFO("%s: record to %s (%s)", id().c_str(), uri().c_str(), profile_.name.c_str());
  begin();
  setState(UriEndpointState::START);
  requestKeyframe();
}

void RecorderEndpointImpl::pause() {
  if (getState() != UriEndpointState::START) {
    return;
  }
  if (auto recording = current()) {
    recording->pause(now());
  }
  setState(UriEndpointState::PAUSE);
  raisePaused(Paused{});
}

void RecorderEndpointImpl::stop() {
  if (getState() == UriEndpointState::STOP) {
    return;
  }
  setState(UriEndpointState::STOP);
  if (auto recording = current()) {
    recording->finish();
  }
}

void RecorderEndpointImpl::stopAndWait() {
  stop();
  if (auto recording = current()) {
    if (!recording->waitFinished(kStopWaitMs)) {
      throw kms::KurentoException(kms::ErrorCode::kUnexpectedError,
                                  "stopAndWait: " + uri() + " was not complete after " +
                                      std::to_string(kStopWaitMs / 1000) + " s");
    }
  }
}

bool RecorderEndpointImpl::isMediaTranscoding(const MediaType& mediaType, const std::string&) {
  auto recording = current();
  return recording && mediaType != MediaType::DATA &&
         recording->transcodes(mediaType == MediaType::VIDEO);
}

void RecorderEndpointImpl::releaseResources() {
  // Releasing a recording recorder completes its file first (as Kurento does).
  if (getState() != UriEndpointState::STOP) {
    stop();
  }
  if (auto recording = current()) {
    recording->waitFinished(5000);
  }
  RecorderEndpointBase::releaseResources();
}

}  // namespace kurento
