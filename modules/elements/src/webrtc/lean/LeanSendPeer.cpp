// The lean send-only transport: ICE, DTLS-SRTP, RTP rewriting and RTCP of one viewer.
#include "webrtc/lean/LeanSendPeer.hpp"

#include "webrtc/lean/IceLoop.hpp"

#include <kms/sdk/Gst.hpp>

#include <random>

namespace kurento::webrtc::lean {

namespace {
GstDebugCategory* const kCat =
    kms::debugCategory("kms-lean-peer", "Lean WebRTC send transport of one viewer");
#define GST_CAT_DEFAULT kCat

constexpr size_t kPacketCapacity = 1500 + 64;  // an MTU-sized packet and SRTP's tag
constexpr guint kReportIntervalMs = 1000;
// A viewer's own copy of its source's packets for NACKs: ~1 s of 1 Mbps video. Its bytes are
// touched only as packets fill it.
const PacketHistoryConfig kViewerHistory{512, 128 * 1024, 1000};

std::string randomCname() {
  static thread_local std::mt19937_64 random(std::random_device{}());
  static const char kDigits[] = "0123456789abcdef";
  std::string cname;
  uint64_t bits = random();
  for (int i = 0; i < 16; ++i, bits >>= 4) {
    cname += kDigits[bits & 0xf];
  }
  return cname;
}

// RFC 7983: RTP and RTCP start with 128..191; RTCP's packet types are 192..223 (RFC 5761).
bool isRtcp(const uint8_t* data, size_t size) {
  return size >= 8 && data[0] >= 128 && data[0] <= 191 && data[1] >= 192 && data[1] <= 223;
}
}  // namespace

LeanSendPeer::LeanSendPeer(const IceOptions& ice, std::string certificatePem,
                           std::string fingerprint, LeanPeerListener& listener)
    : certificatePem_(std::move(certificatePem)),
      fingerprint_(std::move(fingerprint)),
      listener_(listener),
      ice_(std::make_unique<IceSession>(ice, static_cast<IceListener&>(*this))),
      cname_(randomCname()),
      rtcp_(cname_) {}

LeanSendPeer::~LeanSendPeer() {
  closing_ = true;
  IceLoop::instance().runSync([this] {
    if (dtlsTimer_ != 0) {
      g_source_destroy(g_main_context_find_source_by_id(IceLoop::instance().context(), dtlsTimer_));
    }
    if (reportTimer_ != 0) {
      g_source_destroy(
          g_main_context_find_source_by_id(IceLoop::instance().context(), reportTimer_));
    }
    if (dtls_ != nullptr && dtls_->state() == DtlsState::kConnected) {
      dtls_->close();
    }
  });
  ice_.reset();  // no packet, no callback after this
}

std::string LeanSendPeer::answer(const GstSDPMessage& offer) {
  LeanLocal local;
  local.ufrag = ice_->localUfrag();
  local.password = ice_->localPassword();
  local.fingerprint = fingerprint_;
  local.cname = cname_;
  local.sessionId = std::random_device{}();
  LeanRemote remote;
  const std::string sdp = createLeanAnswer(offer, local, lines_, remote);
  for (const LeanLine& line : lines_) {
    if (line.codec == nullptr) {
      continue;
    }
    auto stream = std::make_unique<Stream>();
    stream->line = line;
    RtpStreamConfig config;
    config.ssrc = line.ssrc;
    config.payloadType = static_cast<uint8_t>(line.payloadType);
    config.clockRateHz = static_cast<uint32_t>(line.codec->clockRate);
    stream->rewriter = std::make_unique<RtpRewriter>(config);
    if (line.nack) {
      stream->history = std::make_unique<PacketHistory>(kViewerHistory);
    }
    stream->stats.type = line.type;
    stream->stats.ssrc = line.ssrc;
    streams_.push_back(std::move(stream));
  }
  const DtlsRole role = remote.weAreDtlsClient ? DtlsRole::kClient : DtlsRole::kServer;
  dtls_ = std::make_unique<DtlsSrtpSession>(
      certificatePem_, role, remote.fingerprint,
      [this](const uint8_t* data, size_t size) { ice_->send(data, size); },
      [this](DtlsState state) { onDtlsChanged(state); });
  ice_->setRemoteCredentials(remote.ufrag, remote.password);
  for (const std::string& candidate : remote.candidates) {
    if (!ice_->addRemoteCandidate(candidate)) {
      GST_INFO("offer's candidate not usable: %s", candidate.c_str());
    }
  }
  return sdp;
}

bool LeanSendPeer::sends(MediaType type) const { return streamOf(type) != nullptr; }

LeanSendPeer::Stream* LeanSendPeer::streamOf(MediaType type) const {
  for (const auto& stream : streams_) {
    if (stream->line.type == type) {
      return stream.get();
    }
  }
  return nullptr;
}

LeanSendPeer::Stream* LeanSendPeer::streamOfSsrc(uint32_t ssrc) const {
  for (const auto& stream : streams_) {
    if (stream->line.ssrc == ssrc) {
      return stream.get();
    }
  }
  return nullptr;
}

// Every callback of the loop returns at once once the destructor began: the timers it removed
// would otherwise be made again, pointing at a peer about to be gone.
void LeanSendPeer::onIceState(IceState state) {
  if (closing_) {
    return;
  }
  listener_.onIceState(state);
  const bool connected = state == IceState::kConnected || state == IceState::kReady;
  if (connected && !dtlsStarted_ && dtls_ != nullptr) {
    dtlsStarted_ = true;
    dtls_->start();
    scheduleDtlsTimer();
  }
}

void LeanSendPeer::onPacket(uint8_t* data, size_t size) {
  if (dtls_ == nullptr || closing_) {
    return;
  }
  lastPacketUs_ = g_get_monotonic_time();
  if (silent_) {
    silent_ = false;
    listener_.onPeerSilent(false);
  }
  if (isDtlsPacket(data, size)) {
    if (!dtlsStarted_) {
      dtlsStarted_ = true;  // a peer's ClientHello may come before our ICE state says so
      dtls_->start();
    }
    dtls_->receive(data, size);
    scheduleDtlsTimer();
  } else if (isRtcp(data, size)) {
    onRtcp(data, size);
  }
  // RTP from a viewer we only send to: nothing to do with it.
}

void LeanSendPeer::scheduleDtlsTimer() {
  if (closing_) {
    return;
  }
  if (dtlsTimer_ != 0) {
    g_source_destroy(g_main_context_find_source_by_id(IceLoop::instance().context(), dtlsTimer_));
    dtlsTimer_ = 0;
  }
  const int64_t timeoutMs = dtls_->timeoutMs();
  if (timeoutMs < 0) {
    return;
  }
  GSource* timer = g_timeout_source_new(static_cast<guint>(timeoutMs));
  g_source_set_callback(
      timer,
      [](gpointer data) -> gboolean {
        auto* self = static_cast<LeanSendPeer*>(data);
        self->dtlsTimer_ = 0;
        if (self->closing_) {
          return G_SOURCE_REMOVE;
        }
        self->dtls_->handleTimeout();
        self->scheduleDtlsTimer();
        return G_SOURCE_REMOVE;
      },
      this, nullptr);
  dtlsTimer_ = g_source_attach(timer, IceLoop::instance().context());
  g_source_unref(timer);
}

void LeanSendPeer::onDtlsChanged(DtlsState state) {
  GST_INFO("DTLS %s", toString(state));
  if (closing_) {
    return;  // the close_notify of the destructor
  }
  listener_.onDtlsState(state);
  if (state == DtlsState::kConnected) {
    GST_INFO("DTLS connected, SRTP %s", dtls_->srtpProfile().c_str());
    lastPacketUs_ = g_get_monotonic_time();
    GSource* timer = g_timeout_source_new(kReportIntervalMs);
    g_source_set_callback(
        timer,
        [](gpointer data) -> gboolean {
          auto* self = static_cast<LeanSendPeer*>(data);
          self->sendReports();
          self->checkSilence();
          return G_SOURCE_CONTINUE;
        },
        this, nullptr);
    reportTimer_ = g_source_attach(timer, IceLoop::instance().context());
    g_source_unref(timer);
    listener_.onKeyframeRequest();  // what the viewer missed before held the last keyframe
  }
}

void LeanSendPeer::sendRtp(MediaType type, const uint8_t* packet, size_t size) {
  Stream* stream = streamOf(type);
  if (stream == nullptr || closing_ || dtls_ == nullptr ||
      dtls_->state() != DtlsState::kConnected) {
    return;
  }
  uint8_t out[kPacketCapacity];
  size_t outSize = 0;
  {
    std::lock_guard<std::mutex> lock(stream->mutex);
    if (stream->history != nullptr) {
      stream->history->store(packet, size, g_get_monotonic_time());
    }
    if (!stream->rewriter->rewrite(packet, size, g_get_real_time(), out, sizeof(out), outSize)) {
      return;
    }
    stream->stats.packetsSent = stream->rewriter->counters().packets;
    stream->stats.bytesSent = stream->rewriter->counters().octets;
  }
  protectAndSend(out, outSize, sizeof(out), false);
}

bool LeanSendPeer::protectAndSend(uint8_t* packet, size_t size, size_t capacity, bool rtcp) {
  const bool protectedOk = rtcp ? dtls_->protectRtcp(packet, &size, capacity)
                                : dtls_->protectRtp(packet, &size, capacity);
  return protectedOk && ice_->send(packet, size);
}

void LeanSendPeer::onRtcp(uint8_t* data, size_t size) {
  if (dtls_->state() != DtlsState::kConnected || !dtls_->unprotectRtcp(data, &size)) {
    return;  // not ours, replayed or forged: SRTCP says which
  }
  if (!rtcp_.parse(data, size, g_get_real_time(), feedback_)) {
    GST_DEBUG("malformed RTCP from the viewer (%zu bytes)", size);
    return;
  }
  onFeedback(feedback_);
}

void LeanSendPeer::onFeedback(const RtcpFeedback& feedback) {
  bool keyframe = false;
  for (uint32_t ssrc : feedback.pliSsrcs) {
    if (Stream* stream = streamOfSsrc(ssrc)) {
      std::lock_guard<std::mutex> lock(stream->mutex);
      ++stream->stats.plisReceived;
      keyframe = true;
    }
  }
  for (const FirRequest& fir : feedback.firs) {
    if (Stream* stream = streamOfSsrc(fir.ssrc)) {
      std::lock_guard<std::mutex> lock(stream->mutex);
      ++stream->stats.firsReceived;
      keyframe = true;
    }
  }
  for (const ReportBlock& report : feedback.reports) {
    if (Stream* stream = streamOfSsrc(report.ssrc)) {
      std::lock_guard<std::mutex> lock(stream->mutex);
      stream->stats.lastReport = report;
    }
  }
  for (const Remb& remb : feedback.rembs) {
    for (const auto& stream : streams_) {
      std::lock_guard<std::mutex> lock(stream->mutex);
      stream->stats.rembBps = remb.bitrateBps;
    }
    listener_.onRemb(remb.bitrateBps);
  }
  for (const Nack& nack : feedback.nacks) {
    if (Stream* stream = streamOfSsrc(nack.mediaSsrc)) {
      resend(*stream, nack.seqs);
    }
  }
  if (keyframe) {
    listener_.onKeyframeRequest();
  }
}

// A NACKed packet is sent again as it was (same SSRC and number: RFC 4585 without RTX), from
// the source's history through this viewer's mapping.
void LeanSendPeer::resend(Stream& stream, const std::vector<uint16_t>& seqs) {
  uint8_t out[kPacketCapacity];
  for (uint16_t seq : seqs) {
    size_t outSize = 0;
    {
      // The history is written under the same lock: what fetch gives stays valid here.
      std::lock_guard<std::mutex> lock(stream.mutex);
      ++stream.stats.nacksReceived;
      const std::optional<uint16_t> sourceSeq = stream.rewriter->sourceSeq(seq);
      const std::optional<ByteView> kept =
          stream.history && sourceSeq ? stream.history->fetch(*sourceSeq, g_get_monotonic_time())
                                      : std::nullopt;
      if (!kept ||
          !stream.rewriter->rewriteAgain(kept->data, kept->size, out, sizeof(out), outSize)) {
        continue;  // too old, or never sent
      }
      ++stream.stats.packetsResent;
    }
    protectAndSend(out, outSize, sizeof(out), false);
  }
}

void LeanSendPeer::sendReports() {
  if (dtls_->state() != DtlsState::kConnected) {
    return;
  }
  std::vector<SenderStream> senders;
  for (const auto& stream : streams_) {
    std::lock_guard<std::mutex> lock(stream->mutex);
    if (stream->rewriter->counters().sent) {
      senders.push_back({stream->line.ssrc, stream->rewriter->config().clockRateHz,
                         stream->rewriter->counters()});
    }
  }
  if (senders.empty()) {
    return;  // nothing sent yet: nothing to report
  }
  uint8_t packet[kPacketCapacity];
  const size_t size = rtcp_.buildSenderReports(senders.data(), senders.size(), g_get_real_time(),
                                               packet, sizeof(packet) - 64);
  if (size > 0) {
    protectAndSend(packet, size, sizeof(packet), true);
  }
}

// STUN is answered inside libnice and never reaches onPacket: the viewer's RTCP (at least
// every few seconds) is what keeps it alive here.
void LeanSendPeer::checkSilence() {
  if (!silent_ && g_get_monotonic_time() - lastPacketUs_ > kPeerSilenceMs * 1000) {
    silent_ = true;
    listener_.onPeerSilent(true);
  }
}

std::vector<LeanStreamStats> LeanSendPeer::stats() const {
  std::vector<LeanStreamStats> all;
  for (const auto& stream : streams_) {
    std::lock_guard<std::mutex> lock(stream->mutex);
    all.push_back(stream->stats);
  }
  return all;
}

}  // namespace kurento::webrtc::lean
