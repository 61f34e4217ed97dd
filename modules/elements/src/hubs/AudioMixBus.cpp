#include "AudioMixBus.hpp"

#include "HubElements.hpp"

#include <kms/sdk/Gst.hpp>

namespace kurento::hubs {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-hub-audio", "Hub audio mixing");

constexpr const char* kMixCaps = "audio/x-raw,format=S16LE,rate=48000,channels=2,layout=interleaved";
}  // namespace
#define GST_CAT_DEFAULT kCat

AudioMixBus::Pads AudioMixBus::add(const std::string& id) {
  Member member;
  member.input = addBin(bin_, std::string("queue ! audioconvert ! audioresample ! capsfilter caps=") +
                                  kMixCaps);
  answerLatencyWhenIdle(member.input);
  member.tee = addElement(bin_, "tee");
  g_object_set(member.tee, "allow-not-linked", TRUE, nullptr);
  member.silence = addBin(bin_, std::string("audiotestsrc is-live=true wave=silence "
                                            "samplesperbuffer=960 ! capsfilter caps=") +
                                    kMixCaps);
  member.mixer = addLiveAggregator(bin_, "audiomixer");
  member.output = addElement(bin_, "capsfilter");
  GstCaps* caps = gst_caps_from_string(kMixCaps);
  g_object_set(member.output, "caps", caps, nullptr);
  gst_caps_unref(caps);
  // An unlinked output would stop the mixer for good (not-linked), and with it every member
  // feeding it: the mix ends in a tee that tolerates it until the caller links its pad.
  member.outTee = addElement(bin_, "tee");
  g_object_set(member.outTee, "allow-not-linked", TRUE, nullptr);
  member.outPad = kms::GRef<GstPad>::adopt(gst_element_request_pad_simple(member.outTee, "src_%u"));
  gst_element_link(member.input, member.tee);
  gst_element_link(member.silence, member.mixer);
  gst_element_link_many(member.mixer, member.output, member.outTee, nullptr);
  for (GstElement* element :
       {member.outTee, member.output, member.mixer, member.tee, member.input, member.silence}) {
    gst_element_sync_state_with_parent(element);
  }
  Member& added = members_[id] = std::move(member);
  for (auto& [otherId, other] : members_) {
    if (everyone_ && otherId != id) {
      feed(other, added, otherId);
      feed(added, other, id);
    }
  }
  GST_INFO("member %s joins the audio mix (%zu members)", id.c_str(), members_.size());
  Pads pads;
  pads.input = gst_element_get_static_pad(added.input, "sink");
  pads.output = added.outPad.get();
  gst_object_unref(pads.input);  // the element keeps it as long as the member
  return pads;
}

void AudioMixBus::remove(const std::string& id) {
  auto found = members_.find(id);
  if (found == members_.end()) {
    return;
  }
  Member& member = found->second;
  for (auto& [otherId, other] : members_) {
    unfeed(member, other, id);  // also the member's own feed, if it heard itself
    if (otherId != id) {
      unfeed(other, member, otherId);
    }
  }
  gst_element_release_request_pad(member.outTee, member.outPad.get());
  // The mixer first: stopping it releases the pushes it holds (its silence, the feeds).
  for (GstElement* element :
       {member.mixer, member.silence, member.input, member.tee, member.output, member.outTee}) {
    stopAndRemove(bin_, element);
  }
  members_.erase(found);
  GST_INFO("member %s leaves the audio mix (%zu members)", id.c_str(), members_.size());
}

bool AudioMixBus::hear(const std::string& listener, const std::string& speaker) {
  auto to = members_.find(listener);
  auto from = members_.find(speaker);
  if (to == members_.end() || from == members_.end()) {
    return false;
  }
  if (to->second.heard.count(speaker) == 0) {
    feed(from->second, to->second, speaker);
  }
  return true;
}

bool AudioMixBus::stopHearing(const std::string& listener, const std::string& speaker) {
  auto to = members_.find(listener);
  auto from = members_.find(speaker);
  if (to == members_.end() || from == members_.end()) {
    return false;
  }
  unfeed(from->second, to->second, speaker);
  return true;
}

bool AudioMixBus::hears(const std::string& listener, const std::string& speaker) const {
  auto to = members_.find(listener);
  return to != members_.end() && to->second.heard.count(speaker) != 0;
}

// from's audio into to's mixer: tee ! queue ! mixer, the queue started before it is fed.
void AudioMixBus::feed(Member& from, Member& to, const std::string& fromId) {
  Feed feed;
  feed.queue = addElement(bin_, "queue");
  g_object_set(feed.queue, "max-size-time", static_cast<guint64>(500 * GST_MSECOND),
               "max-size-buffers", 0u, "max-size-bytes", 0u, "leaky", 2 /* downstream */, nullptr);
  feed.mixerPad = kms::GRef<GstPad>::adopt(gst_element_request_pad_simple(to.mixer, "sink_%u"));
  GstPad* queueSrc = gst_element_get_static_pad(feed.queue, "src");
  keepSerializedQueriesOut(queueSrc);
  gst_pad_link(queueSrc, feed.mixerPad.get());
  gst_object_unref(queueSrc);
  gst_element_sync_state_with_parent(feed.queue);
  feed.teePad = kms::GRef<GstPad>::adopt(gst_element_request_pad_simple(from.tee, "src_%u"));
  GstPad* queueSink = gst_element_get_static_pad(feed.queue, "sink");
  gst_pad_link(feed.teePad.get(), queueSink);
  gst_object_unref(queueSink);
  isolateBranch(feed.queue);
  to.heard[fromId] = std::move(feed);
}

void AudioMixBus::unfeed(Member& from, Member& to, const std::string& fromId) {
  auto found = to.heard.find(fromId);
  if (found == to.heard.end()) {
    return;
  }
  Feed& feed = found->second;
  gst_element_release_request_pad(from.tee, feed.teePad.get());
  // The mixer's pad goes first: a live mixer holds the queue's push until the buffer's time,
  // and stopping the queue meanwhile would wait for that push (a deadlock at release).
  gst_element_release_request_pad(to.mixer, feed.mixerPad.get());
  stopAndRemove(bin_, feed.queue);
  to.heard.erase(found);
}

}  // namespace kurento::hubs
