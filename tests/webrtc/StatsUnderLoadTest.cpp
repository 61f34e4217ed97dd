// WebRtcEndpoint getStats under parallel load: several looped-back webrtcbin calls at once, each
// asked for its statistics over and over from threads of its own while media flows. Every
// answer for a flowing call must carry its inbound-rtp and outbound-rtp reports (webrtcbin used
// to answer without them a few seconds into every call; docs/elements/webrtc-endpoint.md says
// why). On failure it prints what was missing, the SDPs of that call and the SSRC BYEs and
// timeouts of the server's log (run with GST_DEBUG=2,webrtcbin:4 to have them).
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using kms::client::Connection;
using kms::test::WebRtcPeer;
namespace kc = kurento::client;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kCalls = 6;
constexpr auto kPolling = 12s;
constexpr auto kPollInterval = 20ms;

struct Call {
  std::shared_ptr<kc::MediaPipeline> pipeline;
  std::shared_ptr<kc::WebRtcEndpoint> endpoint;
  std::unique_ptr<WebRtcPeer> peer;
};

// What one getStats answer lacked ("" when it had the RTP reports it must have). The server
// answers a webrtcbin peer's audio m-line recvonly (webrtcbin matches no transceiver to it;
// reported separately), so it sends no audio and AUDIO has no outbound-rtp to require.
std::string missingReports(const std::map<std::string, std::shared_ptr<kc::Stats>>& stats,
                           bool outboundExpected) {
  bool inbound = false;
  bool outbound = false;
  for (const auto& [id, report] : stats) {
    if (auto in = std::dynamic_pointer_cast<kc::RTCInboundRTPStreamStats>(report)) {
      inbound = inbound || in->packetsReceived > 0;
    } else if (auto out = std::dynamic_pointer_cast<kc::RTCOutboundRTPStreamStats>(report)) {
      outbound = outbound || out->packetsSent > 0;
    }
  }
  return std::string(inbound ? "" : "inbound-rtp ") +
         (outbound || !outboundExpected ? "" : "outbound-rtp");
}

TEST(StatsUnderLoad, EveryAnswerForAFlowingCallHasItsRtpReports) {
  kms::test::TestServer server;
  auto connection = Connection::connect(server.url());
  std::vector<Call> calls(kCalls);
  for (auto& call : calls) {
    call.pipeline = kc::MediaPipeline::create(connection);
    call.endpoint = kc::WebRtcEndpoint::create(connection, call.pipeline);
    call.endpoint->connect(call.endpoint);
    call.peer = std::make_unique<WebRtcPeer>(WebRtcPeer::Direction::kSendRecv);
    call.peer->offerTo(call.endpoint);
  }
  for (auto& call : calls) {
    ASSERT_TRUE(call.peer->waitForFrames(30, 30s)) << call.peer->framesDecoded();
  }
  std::atomic<int> answers{0};
  std::atomic<int> incomplete{0};
  std::mutex mutex;
  std::string firstIncomplete;
  std::map<std::string, int> missingByKind;
  std::vector<std::thread> pollers;
  const auto until = Clock::now() + kPolling;
  for (auto& call : calls) {
    for (int thread = 0; thread < 2; ++thread) {
      pollers.emplace_back([&, thread] {
        auto own = Connection::connect(server.url());
        auto endpoint = std::make_shared<kc::WebRtcEndpoint>(own, call.endpoint->id());
        while (Clock::now() < until) {
          std::this_thread::sleep_for(kPollInterval);
          const auto stats = thread == 0 ? endpoint->getStats(kc::MediaType::VIDEO)
                                         : endpoint->getStats(kc::MediaType::AUDIO);
          ++answers;
          const std::string missing = missingReports(stats, thread == 0);
          if (!missing.empty()) {
            ++incomplete;
            std::lock_guard<std::mutex> lock(mutex);
            ++missingByKind[std::string(thread == 0 ? "VIDEO " : "AUDIO ") + missing];
            if (firstIncomplete.empty()) {
              firstIncomplete = endpoint->id() + (thread == 0 ? " VIDEO" : " AUDIO") + " lacked " +
                                missing + " (" + std::to_string(stats.size()) + " reports)";
            }
          }
        }
        own->close();
      });
    }
  }
  for (auto& poller : pollers) {
    poller.join();
  }
  std::cout << answers << " getStats answers from " << kCalls << " flowing calls, " << incomplete
            << " without their RTP reports\n";
  for (const auto& [kind, count] : missingByKind) {
    std::cout << "  " << count << " answers for " << kind << "\n";
  }
  EXPECT_GT(answers, kCalls * 10);
  EXPECT_EQ(incomplete, 0) << firstIncomplete;
  if (incomplete > 0) {
    for (auto& call : calls) {
      if (firstIncomplete.rfind(call.endpoint->id(), 0) == 0) {
        std::cout << "its offer:\n"
                  << call.endpoint->getRemoteSessionDescriptor() << "its answer:\n"
                  << call.endpoint->getLocalSessionDescriptor();
      }
    }
  }
  for (auto& call : calls) {
    const uint64_t before = call.peer->framesDecoded();
    EXPECT_TRUE(call.peer->waitForFrames(before + 10, 10s));
  }
  for (auto& call : calls) {
    call.peer.reset();
    call.pipeline->release();
  }
  connection->close();
  if (HasFailure()) {
    const std::string output = server.output();
    std::cerr << "server output:\n" << output.substr(0, 20000);
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("timeout") != std::string::npos || line.find("bye") != std::string::npos) {
        std::cerr << line << "\n";
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
