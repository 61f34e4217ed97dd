// Format adaptation at an element's output (Kurento's agnosticbin): each connected sink gets
// the element's media as it is when it takes that format, and otherwise through one decoder
// and one encoder per distinct target format, shared by every sink that wants that format
// (ten H.264 viewers of a VP8 presenter: one vp8dec, one openh264enc). Branches are built when
// the first sink needs them and torn down when the last one leaves.
//
//   output tee ─┬─ (as is) ─────────────────────────────────────────► sink A
//               ├─ queue ! tee (a lane) ─┬─ (as is) ──────────────────► sink D
//               │                        └──────────────────────────► sink E
//               └─ queue ! decoder ! raw tee ─┬─ (raw) ───────────────► filter
//                                             └─ queue ! encoder ! tee ─┬► sink B
//                                                                       └► sink C
//
// The first sinks that take the media as is are fed by the element's own thread; later ones
// share a few lanes (a queue and its thread each, one per core at most), so that a source with
// many viewers sends on every core instead of one, without a thread per viewer.
#pragma once

#include "EncoderBitrate.hpp"

#include <gst/gst.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kurento {

class FormatAdapter {
 public:
  // Called (outside the adapter's lock) when the adapter starts or stops transcoding, and
  // once with false when media first flows with no conversion.
  using TranscodingCallback = std::function<void(bool transcoding)>;
  // Called (outside the lock) when an output's video encoder changes: the shared encoder that
  // now feeds it (a new reference), or null when it is fed without encoding.
  using EncoderCallback = std::function<void(GstElement* encoder)>;

  // `tee` is the element's output tee of `video` or audio media, inside `bin`; `name` names
  // the adapter in MediaTranscodingStateChanged (binName); `bitrateBounds` gives the bitrate
  // a video encoder starts at and its bounds (its sinks' wishes move it within them:
  // EncoderBitrate.hpp).
  FormatAdapter(GstBin* bin, GstElement* tee, bool video, std::string name,
                TranscodingCallback onTranscoding,
                std::function<EncoderBitrate::Bounds()> bitrateBounds);
  ~FormatAdapter();
  FormatAdapter(const FormatAdapter&) = delete;
  FormatAdapter& operator=(const FormatAdapter&) = delete;

  // Feeds `ghost` (a src ghost pad of the bin, without target) with media in the `wanted`
  // format (caps; null or ANY: as the element produces it). `adapted` is set while the
  // adapter delivers (or will deliver once media flows) what was wanted.
  void attach(GstPad* ghost, GstCaps* wanted, std::atomic<bool>* adapted, EncoderCallback onEncoder);
  // The sink behind `ghost` now wants another format (e.g. after its SDP negotiation).
  void setWanted(GstPad* ghost, GstCaps* wanted);
  // Stops feeding `ghost` (its target is cleared).
  void detach(GstPad* ghost);

  const std::string& name() const { return name_; }
  // The element's encoder bitrates changed: every running encoder takes the new bounds.
  void refreshBitrateBounds();
  bool transcoding() const;
  // How many decoders and encoders run now (for tests and logs).
  size_t decoders() const;
  size_t encoders() const;
  size_t lanes() const;

 private:
  struct Branch;
  struct Output;
  struct Notifications;
  // What the input probe reaches the adapter through: cleared (under its lock) before the
  // adapter goes, so that a streaming thread in the probe finishes first.
  struct ProbeGuard {
    std::mutex mutex;
    FormatAdapter* adapter = nullptr;
  };

  static GstPadProbeReturn onInputEvent(GstPad* pad, GstPadProbeInfo* info, gpointer data);
  void onInputMedia(const std::string& media, Notifications& notes);
  void route(Output& output, Notifications& notes);
  void moveTo(Output& output, GstElement* target, GstElement* encoder, Notifications& notes);
  GstElement* asIsTee(const Output& output);
  bool isLane(const GstElement* tee) const;
  Branch* decoder();
  Branch* encoderFor(const std::string& key, const std::string& media, GstElement* rawTee);
  std::unique_ptr<Branch> makeBranch(const std::string& name, const std::string& description,
                                     GstElement* from);
  void removeBranch(Branch& branch);
  void collectUnused();
  void report(Notifications& notes);
  void notify(Notifications& notes);
  Output* find(GstPad* ghost);

  GstBin* bin_;
  GstElement* tee_;
  bool video_;
  std::string name_;
  TranscodingCallback onTranscoding_;
  std::function<EncoderBitrate::Bounds()> bitrateBounds_;
  gulong probe_ = 0;
  std::shared_ptr<ProbeGuard> guard_;

  mutable std::mutex mutex_;
  std::string inputMedia_;  // e.g. "video/x-vp8"; empty until the first caps
  std::unique_ptr<Branch> decoder_;
  std::map<std::string, std::unique_ptr<Branch>> encoders_;  // by wanted caps
  std::vector<std::unique_ptr<Branch>> lanes_;
  std::vector<std::unique_ptr<Output>> outputs_;
  std::optional<bool> reported_;
  unsigned branchCounter_ = 0;
};

// The media type name of `caps` ("video/x-vp8"), or "" for null, ANY or empty caps.
std::string mediaOf(const GstCaps* caps);
// An upstream GstForceKeyUnit: encoders make a keyframe, RTP receivers send PLI/FIR.
GstEvent* newKeyframeRequest();

}  // namespace kurento
