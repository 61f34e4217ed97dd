#include "MediaElementImpl.hpp"

#include "EndpointImpl.hpp"
#include "GstDot.hpp"
#include "MediaElementConnection.hpp"
#include "MediaPipelineImpl.hpp"

#include <kms/sdk/Error.hpp>
#include <kms/sdk/ServerContext.hpp>

#include <algorithm>
#include <chrono>
#include <set>

namespace kurento {

namespace {
GstDebugCategory* const kCat = kms::debugCategory("kms-core-element", "MediaElement");

const char* lowerName(MediaType type) { return type == MediaType::AUDIO ? "audio" : "video"; }

GstPadQueryFunction teeSinkQuery = nullptr;  // the tee's own handler, for every other query

// The output takes any format: the FormatAdapter converts for the sinks that want another one.
// Left to the tee, a caps query answers what the sinks take, and a source whose format comes
// after a sink that takes another (a browser's VP8 after a Composite port taking raw video)
// could not link at all.
gboolean onOutputQuery(GstPad* pad, GstObject* parent, GstQuery* query) {
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_CAPS: {
      GstCaps* filter = nullptr;
      gst_query_parse_caps(query, &filter);
      GstCaps* caps = filter != nullptr ? gst_caps_ref(filter) : gst_caps_new_any();
      gst_query_set_caps_result(query, caps);
      gst_caps_unref(caps);
      return TRUE;
    }
    case GST_QUERY_ACCEPT_CAPS:
      gst_query_set_accept_caps_result(query, TRUE);
      return TRUE;
    default:
      return teeSinkQuery(pad, parent, query);
  }
}

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
// True when connecting `source` to `sink` for `type` closes a loop without an endpoint (only
// filters, PassThrough, hub ports): the media and GStreamer's upstream events would go round
// it forever (events recursively, until the stack overflows and the process dies; found by
// tests/fuzz/JsonRpcFuzzer.cpp with a PassThrough connected to itself). An endpoint in the
// loop (Hello World's WebRtcEndpoint loopback) ends it.
bool closesFilterLoop(MediaElementImpl& source, MediaElementImpl& sink, MediaType type) {
  if (dynamic_cast<EndpointImpl*>(&source) != nullptr) {
    return false;
  }
  std::vector<MediaElementImpl*> pending{&sink};
  std::set<MediaElementImpl*> seen;
  while (!pending.empty()) {
    MediaElementImpl* element = pending.back();
    pending.pop_back();
    if (element == &source) {
      return true;
    }
    if (dynamic_cast<EndpointImpl*>(element) != nullptr || !seen.insert(element).second) {
      continue;
    }
    for (const auto& connection : element->getSinkConnections(type, std::nullopt)) {
      if (connection->sink) {
        pending.push_back(connection->sink.get());
      }
    }
  }
  return false;
}

}  // namespace
#define GST_CAT_DEFAULT kCat

MediaElementImpl::MediaElementImpl(const std::shared_ptr<MediaObjectImpl>& parent,
                                   const std::string& name)
    : MediaElementBase(parent),
      bin_(kms::GRef<GstElement>::adopt(gst_bin_new(name.c_str()))),
      pipeline_(getMediaPipeline()) {
  if (!pipeline_) {
    throw kms::KurentoException(kms::ErrorCode::kMediaObjectIllegalParamError,
                                "a media element needs a MediaPipeline as parent");
  }
  const Settings settings = readSettings(kms::serverContext().classConfig("MediaElement"));
  encoderBitrateBps_ = settings.encoderBitrate;
  minEncoderBitrateBps_ = settings.minEncoderBitrate;
  maxEncoderBitrateBps_ = settings.maxEncoderBitrate;
  for (MediaType type : {MediaType::AUDIO, MediaType::VIDEO}) {
    GstElement* tee = gst_element_factory_make("tee", (std::string("out_") + lowerName(type)).c_str());
    if (tee == nullptr) {
      throw kms::KurentoException(kms::ErrorCode::kNotEnoughResources,
                                  "GStreamer element 'tee' is missing (gstreamer1.0-plugins-base?)");
    }
    g_object_set(tee, "allow-not-linked", TRUE, nullptr);
    GstPad* teeSink = gst_element_get_static_pad(tee, "sink");
    teeSinkQuery = GST_PAD_QUERYFUNC(teeSink);
    gst_pad_set_query_function(teeSink, &onOutputQuery);
    gst_object_unref(teeSink);
    gst_bin_add(bin(), tee);
    tees_[slot(type)] = tee;
    adapters_[slot(type)] = std::make_unique<FormatAdapter>(
        bin(), tee, type == MediaType::VIDEO, std::string("adapter_") + lowerName(type),
        [this, type](bool transcoding) {
          reportTranscoding(type, std::string("adapter_") + lowerName(type), transcoding);
        },
        [this] { return bitrateBounds(); });
  }
}

MediaElementImpl::Settings MediaElementImpl::readSettings(const kms::ClassConfig& config) {
  Settings settings{};
  settings.encoderBitrate = static_cast<int32_t>(config.getInt("encoderBitrate", 300000, 0, INT32_MAX));
  settings.minEncoderBitrate = static_cast<int32_t>(config.getInt("minEncoderBitrate", 0, 0, INT32_MAX));
  settings.maxEncoderBitrate = static_cast<int32_t>(config.getInt("maxEncoderBitrate", 0, 0, INT32_MAX));
  if (settings.maxEncoderBitrate != 0 && settings.minEncoderBitrate > settings.maxEncoderBitrate) {
    config.fail("minEncoderBitrate", std::to_string(settings.minEncoderBitrate) +
                                         " is above maxEncoderBitrate " +
                                         std::to_string(settings.maxEncoderBitrate));
  }
  return settings;
}

MediaElementImpl::~MediaElementImpl() {
  inMonitors_ = {};
  outMonitors_ = {};
  adapters_ = {};
}

size_t MediaElementImpl::slot(MediaType type) { return type == MediaType::AUDIO ? 0 : 1; }

void MediaElementImpl::postConstructor() {
  gst_object_set_name(GST_OBJECT(bin_.get()), id().c_str());
  gst_bin_add(pipeline_->bin(), bin_.get());
  gst_element_sync_state_with_parent(bin_.get());
  for (MediaType type : {MediaType::AUDIO, MediaType::VIDEO}) {
    watchFlow(type);
  }
}

void MediaElementImpl::releaseResources() {
  std::vector<std::shared_ptr<Connection>> sinks;
  std::vector<std::weak_ptr<Connection>> sources;
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    sinks = sinks_;
    sources = sources_;
  }
  for (const auto& connection : sinks) {
    unlink(*connection);
  }
  for (const auto& weak : sources) {
    if (auto connection = weak.lock()) {
      if (auto source = connection->source.lock()) {
        source->unlink(*connection);
      }
    }
  }
  inMonitors_ = {};
  outMonitors_ = {};
  gst_element_set_locked_state(bin_.get(), TRUE);
  gst_element_set_state(bin_.get(), GST_STATE_NULL);
  gst_bin_remove(pipeline_->bin(), bin_.get());
}

void MediaElementImpl::setInput(MediaType type, GstPad* target) {
  const std::string name = std::string("sink_") + lowerName(type);
  GstPad* ghost = gst_ghost_pad_new(name.c_str(), target);
  // The sources this element is connected to feed other sinks too: what goes wrong in here
  // (a format refused, a recorder stopped) must not stop them.
  kms::keepFailuresDownstream(ghost);
  gst_element_add_pad(bin_.get(), ghost);
  inputs_[slot(type)] = ghost;
}

GstPad* MediaElementImpl::inputPad(MediaType type) const {
  return type == MediaType::DATA ? nullptr : inputs_[slot(type)];
}

GstPad* MediaElementImpl::outputSinkPad(MediaType type) const {
  // The tee's always sink pad; the tee (and so the pad) lives as long as the bin.
  GstPad* pad = gst_element_get_static_pad(tees_[slot(type)], "sink");
  gst_object_unref(pad);
  return pad;
}

void MediaElementImpl::watchFlow(MediaType type) {
  std::weak_ptr<MediaElementImpl> weak =
      std::static_pointer_cast<MediaElementImpl>(shared_from_this());
  auto notify = [weak, type](bool input) {
    return [weak, type, input](bool flowing) {
      if (auto self = weak.lock()) {
        self->onFlowChange(input, type, flowing);
      }
    };
  };
  if (GstPad* input = inputs_[slot(type)]) {
    inMonitors_[slot(type)] = std::make_unique<MediaFlowMonitor>(input, notify(true));
  }
  outMonitors_[slot(type)] = std::make_unique<MediaFlowMonitor>(outputSinkPad(type), notify(false));
}

void MediaElementImpl::onFlowChange(bool input, MediaType type, bool flowing) {
  GST_DEBUG("%s: media %s %s %s", id().c_str(), lowerName(type), input ? "in" : "out",
            flowing ? "flowing" : "not flowing");
  const MediaFlowState state = flowing ? MediaFlowState::FLOWING : MediaFlowState::NOT_FLOWING;
  if (input) {
    MediaFlowInStateChanged event;
    event.state = state;
    event.padName = "default";
    event.mediaType = type;
    raiseMediaFlowInStateChanged(event);
  } else {
    MediaFlowOutStateChanged event;
    event.state = state;
    event.padName = "default";
    event.mediaType = type;
    raiseMediaFlowOutStateChanged(event);
  }
}

std::vector<MediaType> MediaElementImpl::typesOf(const std::optional<MediaType>& mediaType) const {
  if (mediaType) {
    return {*mediaType};
  }
  return {MediaType::AUDIO, MediaType::VIDEO, MediaType::DATA};
}

void MediaElementImpl::connect(const std::shared_ptr<MediaElementImpl>& sink,
                               const std::optional<MediaType>& mediaType,
                               const std::optional<std::string>& sourceMediaDescription,
                               const std::optional<std::string>& sinkMediaDescription) {
  if (sink->pipeline_ != pipeline_) {
    throw kms::KurentoException(kms::ErrorCode::kConnectError,
                                "cannot connect " + id() + " to " + sink->id() +
                                    ": they belong to different pipelines");
  }
  const std::string sourceDescription = sourceMediaDescription.value_or("default");
  const std::string sinkDescription = sinkMediaDescription.value_or("default");
  for (MediaType type : typesOf(mediaType)) {
    if (type == MediaType::DATA && handlesData() && sink->handlesData()) {
      connectData(*sink, sourceDescription, sinkDescription);
      continue;
    }
    if (type == MediaType::DATA || sink->inputPad(type) == nullptr) {
      if (mediaType) {  // asked for explicitly: say why it cannot be done
        throw kms::KurentoException(kms::ErrorCode::kUnsupportedMediaType,
                                    std::string("cannot connect ") + toString(type) + ": " +
                                        sink->typeName() + " " + sink->id() +
                                        " has no " + toString(type) + " input");
      }
      continue;
    }
    if (closesFilterLoop(*this, *sink, type)) {
      throw kms::KurentoException(kms::ErrorCode::kConnectError,
                                  "cannot connect " + id() + " to " + sink->id() + " (" +
                                      lowerName(type) + "): it would close a loop without an endpoint, " +
                                      "around which media would circle forever");
    }
    linkTo(*sink, type, sourceDescription, sinkDescription);
  }
}

void MediaElementImpl::linkTo(MediaElementImpl& sink, MediaType type,
                              const std::string& sourceDescription,
                              const std::string& sinkDescription) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  for (const auto& existing : sinks_) {
    if (existing->sinkId == sink.id() && existing->type == type) {
      return;  // already connected: connect is idempotent
    }
  }
  sink.dropSourceOf(type);

  auto connection = std::make_shared<Connection>();
  connection->source = std::static_pointer_cast<MediaElementImpl>(shared_from_this());
  connection->sink = std::static_pointer_cast<MediaElementImpl>(sink.shared_from_this());
  connection->sourceId = id();
  connection->sinkId = sink.id();
  connection->type = type;
  connection->sourceDescription = sourceDescription;
  connection->sinkDescription = sinkDescription;
  const std::string ghostName =
      std::string("src_") + lowerName(type) + "_" + std::to_string(padCounter_++);
  connection->ghostPad = gst_ghost_pad_new_no_target(ghostName.c_str(), GST_PAD_SRC);
  gst_pad_set_active(connection->ghostPad, TRUE);
  gst_element_add_pad(bin_.get(), connection->ghostPad);
  GstPadLinkReturn linked = GST_PAD_LINK_OK;
  if (&sink == this) {
    linked = linkThroughLoop(*connection, type);
  } else {
    linked = gst_pad_link(connection->ghostPad, sink.inputPad(type));
  }
  if (linked != GST_PAD_LINK_OK) {
    gst_element_remove_pad(bin_.get(), connection->ghostPad);
    throw kms::KurentoException(kms::ErrorCode::kConnectError,
                                "cannot link " + id() + " to " + sink.id() + " (" +
                                    lowerName(type) + "): " + gst_pad_link_get_name(linked));
  }
  kms::MiniRef<GstCaps> wanted(sink.acceptedInput(type));
  std::weak_ptr<MediaElementImpl> weakSink = connection->sink;
  adapters_[slot(type)]->attach(connection->ghostPad, wanted.get(), &connection->adapted,
                                [weakSink, type](GstElement* encoder) {
                                  if (auto sink = weakSink.lock()) {
                                    sink->inputEncoderChanged(type, encoder);
                                  }
                                });
  sinks_.push_back(connection);
  {
    std::lock_guard<std::recursive_mutex> sinkLock(sink.mutex_);
    sink.sources_.push_back(connection);
  }
  GST_INFO("%s connected to %s (%s)", id().c_str(), sink.id().c_str(), lowerName(type));

  ElementConnected event;
  event.sink = connection->sink.lock();
  event.mediaType = type;
  event.sourceMediaDescription = sourceDescription;
  event.sinkMediaDescription = sinkDescription;
  raiseElementConnected(event);
}

// GStreamer does not link an element to itself: the loop goes out of the bin through a queue
// in the pipeline and back in (Kurento's "loopback" of Hello World).
GstPadLinkReturn MediaElementImpl::linkThroughLoop(Connection& connection, MediaType type) {
  connection.loop = gst_element_factory_make("queue", nullptr);
  gst_bin_add(pipeline_->bin(), connection.loop);
  GstPad* loopSink = gst_element_get_static_pad(connection.loop, "sink");
  GstPad* loopSrc = gst_element_get_static_pad(connection.loop, "src");
  GstPadLinkReturn linked = gst_pad_link(connection.ghostPad, loopSink);
  if (linked == GST_PAD_LINK_OK) {
    linked = gst_pad_link(loopSrc, inputPad(type));
  }
  gst_object_unref(loopSink);
  gst_object_unref(loopSrc);
  if (linked != GST_PAD_LINK_OK) {
    removeLoop(connection);
  } else {
    gst_element_sync_state_with_parent(connection.loop);
  }
  return linked;
}

void MediaElementImpl::removeLoop(Connection& connection) {
  if (connection.loop == nullptr) {
    return;
  }
  gst_element_set_locked_state(connection.loop, TRUE);
  gst_element_set_state(connection.loop, GST_STATE_NULL);
  gst_bin_remove(pipeline_->bin(), connection.loop);
  connection.loop = nullptr;
}

void MediaElementImpl::dropSourceOf(MediaType type) {
  std::shared_ptr<Connection> current;
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (const auto& weak : sources_) {
      auto connection = weak.lock();
      if (connection && connection->type == type) {
        current = connection;
      }
    }
  }
  if (current) {
    if (auto source = current->source.lock()) {
      source->unlink(*current);  // one source per sink and media type
    }
  }
}

void MediaElementImpl::unlink(const Connection& connection) {
  std::shared_ptr<Connection> keep;  // the connection outlives its removal from sinks_
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    auto it = std::find_if(sinks_.begin(), sinks_.end(),
                           [&](const auto& c) { return c.get() == &connection; });
    if (it == sinks_.end()) {
      return;
    }
    keep = *it;
    sinks_.erase(it);
  }
  auto sink = keep->sink.lock();
  adapters_[slot(keep->type)]->detach(keep->ghostPad);
  if (keep->loop != nullptr) {
    removeLoop(*keep);  // unlinks both sides as the queue leaves the pipeline
  } else if (sink) {
    gst_pad_unlink(keep->ghostPad, sink->inputPad(keep->type));
  }
  if (sink) {
    std::lock_guard<std::recursive_mutex> sinkLock(sink->mutex_);
    sink->sources_.erase(std::remove_if(sink->sources_.begin(), sink->sources_.end(),
                                        [&](const auto& w) {
                                          auto c = w.lock();
                                          return !c || c.get() == keep.get();
                                        }),
                         sink->sources_.end());
  }
  gst_pad_set_active(keep->ghostPad, FALSE);
  gst_element_remove_pad(bin_.get(), keep->ghostPad);
  GST_INFO("%s disconnected from %s (%s)", id().c_str(), keep->sinkId.c_str(),
           lowerName(keep->type));

  ElementDisconnected event;
  event.sink = sink;
  event.mediaType = keep->type;
  event.sourceMediaDescription = keep->sourceDescription;
  event.sinkMediaDescription = keep->sinkDescription;
  raiseElementDisconnected(event);
}

void MediaElementImpl::disconnect(const std::shared_ptr<MediaElementImpl>& sink,
                                  const std::optional<MediaType>& mediaType,
                                  const std::optional<std::string>& sourceMediaDescription,
                                  const std::optional<std::string>& sinkMediaDescription) {
  std::vector<std::shared_ptr<Connection>> matching;
  {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (const auto& c : sinks_) {
      if (c->sinkId == sink->id() && (!mediaType || c->type == *mediaType) &&
          (!sourceMediaDescription || c->sourceDescription == *sourceMediaDescription) &&
          (!sinkMediaDescription || c->sinkDescription == *sinkMediaDescription)) {
        matching.push_back(c);
      }
    }
  }
  bool dataConnected = false;
  if (!mediaType || *mediaType == MediaType::DATA) {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    for (const auto& weak : dataSinks_) {
      dataConnected = dataConnected || weak.lock() == sink;
    }
  }
  if (dataConnected) {
    disconnectData(*sink);
  }
  if (matching.empty() && !dataConnected) {
    throw kms::KurentoException(
        kms::ErrorCode::kConnectError,
        id() + " is not connected to " + sink->id() +
            (mediaType ? std::string(" for ") + toString(*mediaType) : std::string()));
  }
  for (const auto& c : matching) {
    unlink(*c);
  }
}

namespace {

std::shared_ptr<ElementConnectionData> describeConnection(
    const std::shared_ptr<MediaElementImpl>& source, const std::shared_ptr<MediaElementImpl>& sink,
    MediaType type, const std::string& sourceDescription, const std::string& sinkDescription) {
  auto data = std::make_shared<ElementConnectionData>();
  data->source = source;
  data->sink = sink;
  data->type = type;
  data->sourceDescription = sourceDescription;
  data->sinkDescription = sinkDescription;
  return data;
}

}  // namespace

std::vector<std::shared_ptr<ElementConnectionData>> MediaElementImpl::getSourceConnections(
    const std::optional<MediaType>& mediaType, const std::optional<std::string>& description) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  std::vector<std::shared_ptr<ElementConnectionData>> result;
  for (const auto& weak : sources_) {
    auto c = weak.lock();
    if (c && (!mediaType || c->type == *mediaType) &&
        (!description || c->sinkDescription == *description)) {
      result.push_back(describeConnection(c->source.lock(), c->sink.lock(), c->type,
                                          c->sourceDescription, c->sinkDescription));
    }
  }
  return result;
}

std::vector<std::shared_ptr<ElementConnectionData>> MediaElementImpl::getSinkConnections(
    const std::optional<MediaType>& mediaType, const std::optional<std::string>& description) {
  std::lock_guard<std::recursive_mutex> lock(mutex_);
  std::vector<std::shared_ptr<ElementConnectionData>> result;
  for (const auto& c : sinks_) {
    if ((!mediaType || c->type == *mediaType) &&
        (!description || c->sourceDescription == *description)) {
      result.push_back(describeConnection(c->source.lock(), c->sink.lock(), c->type,
                                          c->sourceDescription, c->sinkDescription));
    }
  }
  return result;
}

void MediaElementImpl::dumpGstreamerDot(const std::optional<GstreamerDotDetails>& details) {
  dumpBinToDotFile(bin(), id(), details);
}

std::string MediaElementImpl::getGstreamerDot(const std::optional<GstreamerDotDetails>& details) {
  return binToDot(bin(), details);
}

std::map<std::string, std::shared_ptr<Stats>> MediaElementImpl::getStats(
    const std::optional<MediaType>&) {
  auto stats = std::make_shared<ElementStats>();
  stats->id = id();
  stats->type = StatsType::element;
  stats->timestampMillis = nowMillis();
  return {{id(), stats}};
}

bool MediaElementImpl::isMediaFlowingIn(const MediaType& mediaType,
                                        const std::string& sinkMediaDescription) {
  if (mediaType == MediaType::DATA || sinkMediaDescription != "default") {
    return false;
  }
  const auto& monitor = inMonitors_[slot(mediaType)];
  return monitor && monitor->isFlowing();
}

bool MediaElementImpl::isMediaFlowingOut(const MediaType& mediaType,
                                         const std::string& sourceMediaDescription) {
  if (mediaType == MediaType::DATA || sourceMediaDescription != "default") {
    return false;
  }
  const auto& monitor = outMonitors_[slot(mediaType)];
  return monitor && monitor->isFlowing();
}

}  // namespace kurento
