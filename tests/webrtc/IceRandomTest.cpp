// The server's ICE agents (libnice) take their STUN transaction ids from the server's own
// gnutls_rnd (host/src/GnutlsRandom.cpp) and not from GnuTLS, whose per-thread generators
// outlive the threads (one leaked per WebRTC session, bench/webrtc/webrtc_churn.cpp). The
// dynamic linker's record of the server's bindings (LD_DEBUG) shows where libnice's calls go,
// and a call with a real peer shows that ICE still connects with those random bytes.
#include "TestServer.hpp"
#include "WebRtcPeer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace kc = kurento::client;
using kms::test::WebRtcPeer;
using namespace std::chrono_literals;

// The lines of the LD_DEBUG files in `dir` that bind libnice's `symbol`.
std::string libniceBindings(const std::filesystem::path& dir, const std::string& symbol) {
  std::string found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream file(entry.path());
    for (std::string line; std::getline(file, line);) {
      if (line.find("libnice.so") != std::string::npos &&
          line.find("`" + symbol + "'") != std::string::npos) {
        found += line + "\n";
      }
    }
  }
  return found;
}

TEST(IceRandomTest, LibniceTakesItsRandomBytesFromTheServer) {
  char pattern[] = "/tmp/kms-ice-random-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::filesystem::path dir = pattern;
  ::setenv("LD_DEBUG", "bindings", 1);
  ::setenv("LD_DEBUG_OUTPUT", (dir / "ld").c_str(), 1);
  uint64_t frames = 0;
  {
    kms::test::TestServer server;  // inherits the variables
    ::unsetenv("LD_DEBUG");
    ::unsetenv("LD_DEBUG_OUTPUT");
    auto connection = kms::client::Connection::connect(server.url());
    auto pipeline = kc::MediaPipeline::create(connection);
    auto endpoint = kc::WebRtcEndpoint::create(connection, pipeline);
    endpoint->connect(endpoint);
    WebRtcPeer peer(WebRtcPeer::Direction::kSendRecv);
    peer.offerTo(endpoint);
    peer.waitForFrames(10, 15s);
    frames = peer.framesDecoded();
    pipeline->release();
    connection->close();
  }
  const std::string bindings = libniceBindings(dir, "gnutls_rnd");
  std::filesystem::remove_all(dir);
  EXPECT_GE(frames, 10u) << "the call through the endpoint got no video";
  ASSERT_FALSE(bindings.empty()) << "libnice's gnutls_rnd was never bound (not loaded?)";
  EXPECT_NE(bindings.find("kurento-media-server"), std::string::npos) << bindings;
  EXPECT_EQ(bindings.find("libgnutls.so"), std::string::npos) << bindings;
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
