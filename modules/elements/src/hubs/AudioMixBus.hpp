// The audio of a mixing hub (Composite, Mixer): in Composite every member hears the sum of all
// the other members, never itself; in Mixer each member hears the members it was connected to. Each member's audio is normalised once (48 kHz stereo S16) and fanned
// out through a tee to one audiomixer per other member; every mixer also has a live silent
// input, so that a member alone in the room still gets a steady (silent) stream.
#pragma once

#include <kms/sdk/Gst.hpp>

#include <gst/gst.h>

#include <map>
#include <string>

namespace kurento::hubs {

class AudioMixBus {
 public:
  // Everything lives in `bin` (the hub's). `everyone`: each member hears all the others.
  explicit AudioMixBus(GstBin* bin, bool everyone = true) : bin_(bin), everyone_(everyone) {}
  ~AudioMixBus() = default;
  AudioMixBus(const AudioMixBus&) = delete;
  AudioMixBus& operator=(const AudioMixBus&) = delete;

  struct Pads {
    GstPad* input = nullptr;   // sink pad (inside the bin) where the member's audio enters
    GstPad* output = nullptr;  // src pad (inside the bin) of what the member hears
  };
  // Adds member `id`; throws NOT_ENOUGH_RESOURCES when an element is missing.
  Pads add(const std::string& id);
  void remove(const std::string& id);
  bool has(const std::string& id) const { return members_.count(id) != 0; }
  // `listener` hears `speaker` too (or no longer); false when either is not a member.
  bool hear(const std::string& listener, const std::string& speaker);
  bool stopHearing(const std::string& listener, const std::string& speaker);
  bool hears(const std::string& listener, const std::string& speaker) const;

 private:
  // The request pads are held until the feed or the member goes, or the bus itself: a hub
  // dropped with members still in it gave its references back to no one (GstTeePads left at
  // exit).
  struct Feed {  // member A's audio into member B's mixer
    kms::GRef<GstPad> teePad;
    GstElement* queue = nullptr;
    kms::GRef<GstPad> mixerPad;
  };
  struct Member {
    GstElement* input = nullptr;  // queue ! audioconvert ! audioresample ! capsfilter (a bin)
    GstElement* tee = nullptr;
    GstElement* silence = nullptr;  // audiotestsrc ! capsfilter (a bin)
    GstElement* mixer = nullptr;
    GstElement* output = nullptr;   // capsfilter after the mixer
    GstElement* outTee = nullptr;   // lets the mix run before (and after) it is linked
    kms::GRef<GstPad> outPad;       // its request pad given out
    std::map<std::string, Feed> heard;  // by the id of the member heard
  };

  void feed(Member& from, Member& to, const std::string& fromId);
  void unfeed(Member& from, Member& to, const std::string& fromId);

  GstBin* bin_;
  const bool everyone_;
  std::map<std::string, Member> members_;
};

}  // namespace kurento::hubs
