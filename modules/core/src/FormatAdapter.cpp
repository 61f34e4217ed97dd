#include "FormatAdapter.hpp"

#include "DecodeErrorLimit.hpp"

#include <kms/sdk/Gst.hpp>

#include <algorithm>
#include <cstring>
#include <thread>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-adapter", "Format adaptation");

struct Codec {
  const char* media;
  const char* decoder;  // gst-launch syntax, from this media to raw
  const char* encoder;  // from raw to this media
};

// What the server decodes and encodes (the codecs its endpoints negotiate).
const Codec kCodecs[] = {
    {"video/x-vp8", "vp8dec",
     "videoconvert ! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=60 end-usage=cbr"},
    {"video/x-h264", "h264parse ! openh264dec",
     "videoconvert ! openh264enc complexity=low rate-control=bitrate ! h264parse"},
    {"video/x-vp9", "vp9dec", "videoconvert ! vp9enc deadline=1 cpu-used=8 keyframe-max-dist=60"},
    {"audio/x-opus", "opusdec", "audioconvert ! audioresample ! opusenc"},
    {"audio/x-mulaw", "mulawdec", "audioconvert ! audioresample ! mulawenc"},
    {"audio/x-alaw", "alawdec", "audioconvert ! audioresample ! alawenc"},
};

const Codec* codecOf(const std::string& media) {
  for (const Codec& codec : kCodecs) {
    if (media == codec.media) {
      return &codec;
    }
  }
  return nullptr;
}

bool isRaw(const std::string& media) { return media == "video/x-raw" || media == "audio/x-raw"; }

// The element of `chain` whose bitrate sets a video encoder's output.
GstElement* findEncoder(GstElement* chain) {
  GstElement* encoder = nullptr;
  GstIterator* elements = gst_bin_iterate_elements(GST_BIN(chain));
  GValue item = G_VALUE_INIT;
  while (gst_iterator_next(elements, &item) == GST_ITERATOR_OK) {
    auto* element = GST_ELEMENT(g_value_get_object(&item));
    GstElementFactory* factory = gst_element_get_factory(element);
    const char* name = factory != nullptr ? GST_OBJECT_NAME(factory) : "";
    if (g_str_has_suffix(name, "enc")) {
      encoder = element;
    }
    g_value_reset(&item);
  }
  g_value_unset(&item);
  gst_iterator_free(elements);
  return encoder;
}

void stopAndRemove(GstBin* bin, GstElement* element) {
  gst_element_set_locked_state(element, TRUE);
  gst_element_set_state(element, GST_STATE_NULL);
  gst_bin_remove(bin, element);
}
}  // namespace
#define GST_CAT_DEFAULT kCat

std::string mediaOf(const GstCaps* caps) {
  if (caps == nullptr || gst_caps_is_any(caps) || gst_caps_is_empty(caps)) {
    return "";
  }
  return gst_structure_get_name(gst_caps_get_structure(caps, 0));
}

GstEvent* newKeyframeRequest() {
  return gst_event_new_custom(
      GST_EVENT_CUSTOM_UPSTREAM,
      gst_structure_new("GstForceKeyUnit", "all-headers", G_TYPE_BOOLEAN, TRUE, nullptr));
}

// Sinks fed as is by the element's own thread; the next ones go to lanes (FormatAdapter.hpp).
constexpr size_t kDirectOutputs = 8;

size_t laneLimit() {
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
}

struct FormatAdapter::Branch {
  std::string name;
  std::string media;             // what it produces
  GstElement* from = nullptr;    // the tee feeding it
  GstPad* feed = nullptr;        // request pad of `from` (a reference)
  GstElement* queue = nullptr;   // all three owned by the bin
  GstElement* chain = nullptr;
  GstElement* tee = nullptr;
  GstElement* encoder = nullptr;  // inside chain; video encoders only
};

struct FormatAdapter::Output {
  GstPad* ghost = nullptr;
  std::string wantedKey;    // the wanted caps as text ("" = as is)
  std::string wantedMedia;  // their media type name
  std::atomic<bool>* adapted = nullptr;
  EncoderCallback onEncoder;
  GstElement* from = nullptr;  // the tee feeding it now
  GstPad* teePad = nullptr;    // request pad of `from` (a reference)
  GstElement* encoder = nullptr;
};

struct FormatAdapter::Notifications {
  std::optional<bool> transcoding;
  std::vector<std::pair<EncoderCallback, kms::GRef<GstElement>>> encoders;
};

FormatAdapter::FormatAdapter(GstBin* bin, GstElement* tee, bool video, std::string name,
                             TranscodingCallback onTranscoding,
                             std::function<EncoderBitrate::Bounds()> bitrateBounds)
    : bin_(bin),
      tee_(tee),
      video_(video),
      name_(std::move(name)),
      onTranscoding_(std::move(onTranscoding)),
      bitrateBounds_(std::move(bitrateBounds)) {
  guard_ = std::make_shared<ProbeGuard>();
  guard_->adapter = this;
  GstPad* sink = gst_element_get_static_pad(tee_, "sink");
  probe_ = gst_pad_add_probe(
      sink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, &FormatAdapter::onInputEvent,
      new std::shared_ptr<ProbeGuard>(guard_),
      [](gpointer data) { delete static_cast<std::shared_ptr<ProbeGuard>*>(data); });
  gst_object_unref(sink);
}

FormatAdapter::~FormatAdapter() {
  {
    std::lock_guard<std::mutex> lock(guard_->mutex);  // waits for a probe running now
    guard_->adapter = nullptr;
  }
  GstPad* sink = gst_element_get_static_pad(tee_, "sink");
  gst_pad_remove_probe(sink, probe_);
  gst_object_unref(sink);
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& output : outputs_) {
    if (output->teePad != nullptr) {
      gst_object_unref(output->teePad);
    }
  }
  for (auto& [key, branch] : encoders_) {
    gst_object_unref(branch->feed);
  }
  if (decoder_) {
    gst_object_unref(decoder_->feed);
  }
  for (auto& lane : lanes_) {
    gst_object_unref(lane->feed);
  }
}

void FormatAdapter::refreshBitrateBounds() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [key, branch] : encoders_) {
    if (branch->encoder != nullptr && bitrateBounds_) {
      EncoderBitrate::of(branch->encoder).setBounds(bitrateBounds_());
    }
  }
}

GstPadProbeReturn FormatAdapter::onInputEvent(GstPad*, GstPadProbeInfo* info, gpointer data) {
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS) {
    return GST_PAD_PROBE_OK;
  }
  GstCaps* caps = nullptr;
  gst_event_parse_caps(event, &caps);
  const std::shared_ptr<ProbeGuard>& guard = *static_cast<std::shared_ptr<ProbeGuard>*>(data);
  std::lock_guard<std::mutex> alive(guard->mutex);
  FormatAdapter* self = guard->adapter;
  if (self == nullptr) {
    return GST_PAD_PROBE_OK;  // the adapter is going
  }
  Notifications notes;
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    const std::string media = mediaOf(caps);
    if (media != self->inputMedia_) {
      self->onInputMedia(media, notes);
    }
  }
  self->notify(notes);
  return GST_PAD_PROBE_OK;
}

// A new input format: the branches made for the old one go; every output is routed again.
void FormatAdapter::onInputMedia(const std::string& media, Notifications& notes) {
  GST_INFO("%s: input is %s", name_.c_str(), media.c_str());
  inputMedia_ = media;
  if (decoder_ || !encoders_.empty()) {
    for (auto& output : outputs_) {
      moveTo(*output, tee_, nullptr, notes);  // as is for a moment
    }
    collectUnused();
  }
  for (auto& output : outputs_) {
    route(*output, notes);
  }
  collectUnused();
  report(notes);
}

void FormatAdapter::attach(GstPad* ghost, GstCaps* wanted, std::atomic<bool>* adapted,
                           EncoderCallback onEncoder) {
  Notifications notes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto output = std::make_unique<Output>();
    output->ghost = ghost;
    output->adapted = adapted;
    output->onEncoder = std::move(onEncoder);
    output->wantedMedia = mediaOf(wanted);
    if (!output->wantedMedia.empty()) {
      gchar* text = gst_caps_to_string(wanted);
      output->wantedKey = text;
      g_free(text);
    }
    outputs_.push_back(std::move(output));
    route(*outputs_.back(), notes);
    collectUnused();
    report(notes);
  }
  notify(notes);
}

void FormatAdapter::setWanted(GstPad* ghost, GstCaps* wanted) {
  Notifications notes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Output* output = find(ghost);
    if (output == nullptr) {
      return;
    }
    std::string key;
    if (!mediaOf(wanted).empty()) {
      gchar* text = gst_caps_to_string(wanted);
      key = text;
      g_free(text);
    }
    if (key == output->wantedKey) {
      return;
    }
    output->wantedKey = key;
    output->wantedMedia = mediaOf(wanted);
    route(*output, notes);
    collectUnused();
    report(notes);
  }
  notify(notes);
}

void FormatAdapter::detach(GstPad* ghost) {
  Notifications notes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find_if(outputs_.begin(), outputs_.end(),
                           [&](const auto& output) { return output->ghost == ghost; });
    if (it == outputs_.end()) {
      return;
    }
    Output& output = **it;
    gst_ghost_pad_set_target(GST_GHOST_PAD(ghost), nullptr);
    if (output.teePad != nullptr) {
      gst_element_release_request_pad(output.from, output.teePad);
      gst_object_unref(output.teePad);
    }
    if (output.adapted != nullptr) {
      *output.adapted = false;
    }
    if (output.encoder != nullptr && output.onEncoder) {
      notes.encoders.emplace_back(output.onEncoder, kms::GRef<GstElement>());
    }
    outputs_.erase(it);
    collectUnused();
    report(notes);
  }
  notify(notes);
}

// Chooses the tee that gives `output` what it wants and moves it there.
void FormatAdapter::route(Output& output, Notifications& notes) {
  GstElement* target = tee_;
  GstElement* encoder = nullptr;
  bool adapted = false;
  const std::string& wanted = output.wantedMedia;
  if (!wanted.empty()) {
    if (inputMedia_.empty() || wanted == inputMedia_) {
      // As is; before any media, promise what a conversion could give.
      adapted = !inputMedia_.empty() || isRaw(wanted) || codecOf(wanted) != nullptr;
    } else if (!isRaw(wanted) && codecOf(wanted) == nullptr) {
      GST_WARNING("%s: no encoder for %s; sending %s as is", name_.c_str(), wanted.c_str(),
                  inputMedia_.c_str());
    } else {
      Branch* raw = isRaw(inputMedia_) ? nullptr : decoder();
      GstElement* rawTee = isRaw(inputMedia_) ? tee_ : raw != nullptr ? raw->tee : nullptr;
      if (rawTee != nullptr && isRaw(wanted)) {
        target = rawTee;
        adapted = true;
      } else if (rawTee != nullptr) {
        if (Branch* branch = encoderFor(output.wantedKey, wanted, rawTee)) {
          target = branch->tee;
          encoder = branch->encoder;
          adapted = true;
        }
      }
      if (!adapted) {
        GST_WARNING("%s: cannot convert %s to %s; sending it as is", name_.c_str(),
                    inputMedia_.c_str(), wanted.c_str());
      }
    }
  }
  if (output.adapted != nullptr) {
    *output.adapted = adapted;
  }
  if (target == tee_) {
    target = asIsTee(output);
  }
  moveTo(output, target, encoder, notes);
}

bool FormatAdapter::isLane(const GstElement* tee) const {
  return std::any_of(lanes_.begin(), lanes_.end(),
                     [tee](const auto& lane) { return lane->tee == tee; });
}

// Where an output that takes the media as is is fed from: where it already is, the element's
// tee while it feeds fewer than kDirectOutputs, else the least used lane (a new one while
// there are fewer than laneLimit() and each has a sink).
GstElement* FormatAdapter::asIsTee(const Output& output) {
  if (output.from == tee_ || (output.from != nullptr && isLane(output.from))) {
    return output.from;
  }
  auto feeding = [this](const GstElement* tee) {
    return static_cast<size_t>(std::count_if(outputs_.begin(), outputs_.end(),
                                             [tee](const auto& o) { return o->from == tee; }));
  };
  if (feeding(tee_) < kDirectOutputs) {
    return tee_;
  }
  Branch* least = nullptr;
  for (auto& lane : lanes_) {
    if (least == nullptr || feeding(lane->tee) < feeding(least->tee)) {
      least = lane.get();
    }
  }
  if (lanes_.size() < laneLimit() && (least == nullptr || feeding(least->tee) > 0)) {
    if (auto lane = makeBranch("lane_" + std::to_string(branchCounter_++), "identity", tee_)) {
      // A lane whose thread falls behind drops its oldest media rather than stall the element.
      gst_util_set_object_arg(G_OBJECT(lane->queue), "leaky", "downstream");
      lane->media = inputMedia_;
      least = lane.get();
      lanes_.push_back(std::move(lane));
    }
  }
  return least != nullptr ? least->tee : tee_;
}

void FormatAdapter::moveTo(Output& output, GstElement* target, GstElement* encoder,
                           Notifications& notes) {
  if (target != output.from) {
    GstPad* pad = gst_element_request_pad_simple(target, "src_%u");
    gst_ghost_pad_set_target(GST_GHOST_PAD(output.ghost), pad);
    if (output.teePad != nullptr) {
      gst_element_release_request_pad(output.from, output.teePad);
      gst_object_unref(output.teePad);
    }
    output.from = target;
    output.teePad = pad;
    GST_INFO("%s: %s fed from %s", name_.c_str(), GST_OBJECT_NAME(output.ghost),
             GST_OBJECT_NAME(target));
    // A sink joining a stream decodes from its next keyframe: ask for one (the encoder makes
    // it, or the request travels upstream to the source).
    gst_pad_send_event(pad, newKeyframeRequest());
  }
  if (encoder != output.encoder) {
    output.encoder = encoder;
    if (output.onEncoder) {
      notes.encoders.emplace_back(output.onEncoder, kms::GRef<GstElement>::share(encoder));
    }
  }
}

FormatAdapter::Branch* FormatAdapter::decoder() {
  if (!decoder_) {
    const Codec* codec = codecOf(inputMedia_);
    if (codec == nullptr) {
      return nullptr;
    }
    decoder_ = makeBranch("decoder_" + std::to_string(branchCounter_++), codec->decoder, tee_);
    if (decoder_) {
      decoder_->media = video_ ? "video/x-raw" : "audio/x-raw";
    }
  }
  return decoder_.get();
}

FormatAdapter::Branch* FormatAdapter::encoderFor(const std::string& key, const std::string& media,
                                                 GstElement* rawTee) {
  auto found = encoders_.find(key);
  if (found != encoders_.end()) {
    return found->second.get();
  }
  const Codec* codec = codecOf(media);
  if (codec == nullptr) {
    return nullptr;
  }
  auto branch = makeBranch("encoder_" + std::to_string(branchCounter_++), codec->encoder, rawTee);
  if (!branch) {
    return nullptr;
  }
  branch->media = media;
  if (video_) {
    branch->encoder = findEncoder(branch->chain);
    if (branch->encoder != nullptr && bitrateBounds_) {
      EncoderBitrate::of(branch->encoder).setBounds(bitrateBounds_());
    }
  }
  GST_INFO("%s: encoding %s for %s", name_.c_str(), media.c_str(), key.c_str());
  return (encoders_[key] = std::move(branch)).get();
}

// queue ! <description> ! tee, fed from a new request pad of `from`, started before it is fed.
std::unique_ptr<FormatAdapter::Branch> FormatAdapter::makeBranch(const std::string& name,
                                                                 const std::string& description,
                                                                 GstElement* from) {
  GError* error = nullptr;
  GstElement* chain = gst_parse_bin_from_description(description.c_str(), TRUE, &error);
  if (chain == nullptr) {
    GST_ERROR("%s: cannot build '%s': %s", name_.c_str(), description.c_str(),
              error != nullptr ? error->message : "?");
    g_clear_error(&error);
    return nullptr;
  }
  auto branch = std::make_unique<Branch>();
  branch->name = name_ + "_" + name;
  branch->from = from;
  branch->chain = chain;
  gst_object_set_name(GST_OBJECT(chain), branch->name.c_str());
  limitDecodeErrors(chain);  // a stream that stays corrupt ends in an error of the pipeline
  branch->queue = gst_element_factory_make("queue", (branch->name + "_queue").c_str());
  branch->tee = gst_element_factory_make("tee", (branch->name + "_tee").c_str());
  g_object_set(branch->tee, "allow-not-linked", TRUE, nullptr);
  gst_bin_add_many(bin_, branch->queue, chain, branch->tee, nullptr);
  gst_element_link_many(branch->queue, chain, branch->tee, nullptr);
  gst_element_sync_state_with_parent(branch->tee);
  gst_element_sync_state_with_parent(chain);
  gst_element_sync_state_with_parent(branch->queue);
  branch->feed = gst_element_request_pad_simple(from, "src_%u");
  GstPad* queueSink = gst_element_get_static_pad(branch->queue, "sink");
  gst_pad_link(branch->feed, queueSink);
  gst_object_unref(queueSink);
  gst_pad_send_event(branch->feed, newKeyframeRequest());  // decoding starts at a keyframe
  GST_INFO("%s: started %s (%s)", name_.c_str(), branch->name.c_str(), description.c_str());
  return branch;
}

void FormatAdapter::removeBranch(Branch& branch) {
  GST_INFO("%s: stopping %s", name_.c_str(), branch.name.c_str());
  gst_element_release_request_pad(branch.from, branch.feed);
  gst_object_unref(branch.feed);
  branch.feed = nullptr;
  stopAndRemove(bin_, branch.queue);
  stopAndRemove(bin_, branch.chain);
  stopAndRemove(bin_, branch.tee);
}

// Encoders no output uses go, then the decoder when nothing takes raw media from it.
void FormatAdapter::collectUnused() {
  for (auto it = lanes_.begin(); it != lanes_.end();) {
    GstElement* tee = (*it)->tee;
    if (std::any_of(outputs_.begin(), outputs_.end(),
                    [&](const auto& output) { return output->from == tee; })) {
      ++it;
    } else {
      removeBranch(**it);
      it = lanes_.erase(it);
    }
  }
  for (auto it = encoders_.begin(); it != encoders_.end();) {
    GstElement* tee = it->second->tee;
    const bool used = std::any_of(outputs_.begin(), outputs_.end(),
                                  [&](const auto& output) { return output->from == tee; });
    if (used) {
      ++it;
    } else {
      removeBranch(*it->second);
      it = encoders_.erase(it);
    }
  }
  if (decoder_) {
    GstElement* tee = decoder_->tee;
    const bool used =
        std::any_of(outputs_.begin(), outputs_.end(),
                    [&](const auto& output) { return output->from == tee; }) ||
        std::any_of(encoders_.begin(), encoders_.end(),
                    [&](const auto& entry) { return entry.second->from == tee; });
    if (!used) {
      removeBranch(*decoder_);
      decoder_.reset();
    }
  }
}

void FormatAdapter::report(Notifications& notes) {
  if (inputMedia_.empty() || (outputs_.empty() && !reported_)) {
    return;
  }
  const bool now = decoder_ != nullptr || !encoders_.empty();
  if (!reported_ || *reported_ != now) {
    reported_ = now;
    notes.transcoding = now;
  }
}

void FormatAdapter::notify(Notifications& notes) {
  for (auto& [callback, encoder] : notes.encoders) {
    callback(encoder.get());
  }
  if (notes.transcoding && onTranscoding_) {
    onTranscoding_(*notes.transcoding);
  }
}

FormatAdapter::Output* FormatAdapter::find(GstPad* ghost) {
  for (auto& output : outputs_) {
    if (output->ghost == ghost) {
      return output.get();
    }
  }
  return nullptr;
}

bool FormatAdapter::transcoding() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return decoder_ != nullptr || !encoders_.empty();
}

size_t FormatAdapter::decoders() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return decoder_ ? 1 : 0;
}

size_t FormatAdapter::encoders() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return encoders_.size();
}

size_t FormatAdapter::lanes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lanes_.size();
}

}  // namespace kurento
