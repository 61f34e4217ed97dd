// DTLS-SRTP sessions of the lean WebRTC transport, with real OpenSSL and libsrtp: two sessions
// wired to each other in process (handshake, SRTP both ways, lost flights, wrong fingerprints,
// garbage), and the heap a connected session costs.
#include "DtlsSrtpTestPeers.hpp"

#include <gst/gst.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstring>
#include <iostream>
#include <random>
#include <thread>

namespace kurento::webrtc::lean {
namespace {

using test::Certificate;
using test::Pair;
using test::rtcpSenderReport;
using test::rtpPacket;

TEST(DtlsSrtpTest, HandshakeKeysSrtpAndSrtcpBothWays) {
  Pair pair;
  pair.start();
  ASSERT_TRUE(pair.pump()) << pair.describe();
  EXPECT_EQ(pair.client->srtpProfile(), pair.server->srtpProfile());
  EXPECT_FALSE(pair.client->srtpProfile().empty());
  std::cout << "negotiated " << pair.client->srtpProfile() << "\n";
  for (auto [from, to] : {std::pair{pair.client.get(), pair.server.get()},
                          std::pair{pair.server.get(), pair.client.get()}}) {
    std::vector<uint8_t> packet = rtpPacket(0x11223344, 7, 160);
    const std::vector<uint8_t> plain = packet;
    size_t size = plain.size();
    packet.resize(1500);
    ASSERT_TRUE(from->protectRtp(packet.data(), &size, packet.size()));
    EXPECT_GT(size, plain.size());
    EXPECT_NE(std::memcmp(packet.data() + 12, plain.data() + 12, plain.size() - 12), 0);
    ASSERT_TRUE(to->unprotectRtp(packet.data(), &size));
    EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + size), plain);

    std::vector<uint8_t> report = rtcpSenderReport(0x55667788);
    const std::vector<uint8_t> plainReport = report;
    size = report.size();
    report.resize(1500);
    ASSERT_TRUE(from->protectRtcp(report.data(), &size, report.size()));
    EXPECT_GT(size, plainReport.size());
    ASSERT_TRUE(to->unprotectRtcp(report.data(), &size));
    EXPECT_EQ(std::vector<uint8_t>(report.begin(), report.begin() + size), plainReport);
  }
}

TEST(DtlsSrtpTest, RetransmittedRtpIsProtectedAgainAndReplaysAreRefused) {
  Pair pair;
  pair.start();
  ASSERT_TRUE(pair.pump()) << pair.describe();
  const std::vector<uint8_t> plain = rtpPacket(0xabcdef01, 100, 500);
  std::vector<uint8_t> first(plain), second(plain);
  first.resize(1500);
  second.resize(1500);
  size_t firstSize = plain.size(), secondSize = plain.size();
  ASSERT_TRUE(pair.server->protectRtp(first.data(), &firstSize, first.size()));
  ASSERT_TRUE(pair.server->protectRtp(second.data(), &secondSize, second.size()));  // a NACK
  ASSERT_EQ(firstSize, secondSize);
  EXPECT_EQ(std::memcmp(first.data(), second.data(), firstSize), 0);
  EXPECT_TRUE(pair.client->unprotectRtp(first.data(), &firstSize));
  EXPECT_FALSE(pair.client->unprotectRtp(second.data(), &secondSize));  // the same, again
}

TEST(DtlsSrtpTest, WrongRemoteFingerprintFailsNamingIt) {
  const Certificate other;
  for (const bool clientChecks : {true, false}) {
    Pair pair;
    (clientChecks ? pair.clientExpects : pair.serverExpects) = other.fingerprint("sha-256");
    pair.start();
    EXPECT_FALSE(pair.pump());
    DtlsSrtpSession& checker = clientChecks ? *pair.client : *pair.server;
    DtlsSrtpSession& checked = clientChecks ? *pair.server : *pair.client;
    EXPECT_EQ(checker.state(), DtlsState::kFailed);
    EXPECT_NE(checker.error().find("fingerprint"), std::string::npos) << checker.error();
    EXPECT_NE(checker.error().find(other.fingerprint("sha-256").substr(8)), std::string::npos)
        << checker.error();
    // The other side is told with an alert, or by close_notify after its handshake completed.
    EXPECT_NE(checked.state(), DtlsState::kConnected);
    std::cout << (clientChecks ? "client: " : "server: ") << checker.error()
              << "\n  other side: " << toString(checked.state()) << ", " << checked.error() << "\n";
  }
}

TEST(DtlsSrtpTest, AcceptsEveryHashAndAnyCase) {
  for (const char* hash : {"sha-1", "SHA-224", "sha-256", "Sha-384", "sha-512"}) {
    Pair pair;
    std::string lowered = pair.clientCertificate.fingerprint(hash);
    for (char& c : lowered) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    pair.serverExpects = lowered;
    pair.start();
    EXPECT_TRUE(pair.pump()) << hash << ": " << pair.describe();
  }
}

TEST(DtlsSrtpTest, UnusableFingerprintOrCertificateFailsAtStart) {
  struct Case {
    const char* fingerprint;
    const char* why;
  };
  for (const Case& bad : {Case{"md5 AB:CD", "not supported"}, Case{"sha-256", "not \"<hash>"},
                          Case{"sha-256 AB:CD:EF", "not a sha-256 digest"}, Case{"", "not"}}) {
    Pair pair;
    pair.serverExpects = bad.fingerprint;
    pair.create();
    pair.server->start();
    EXPECT_EQ(pair.server->state(), DtlsState::kFailed);
    EXPECT_NE(pair.server->error().find(bad.why), std::string::npos) << pair.server->error();
  }
  DtlsSrtpSession broken("not a PEM", DtlsRole::kClient, Certificate().fingerprint("sha-256"),
                         nullptr, nullptr);
  broken.start();
  EXPECT_EQ(broken.state(), DtlsState::kFailed);
  EXPECT_NE(broken.error().find("certificate"), std::string::npos) << broken.error();
}

TEST(DtlsSrtpTest, LostClientHelloIsRetransmitted) {
  Pair pair;
  pair.dropToServer = [](int index, const std::vector<uint8_t>&) { return index == 0; };
  pair.start();
  ASSERT_TRUE(pair.pump()) << pair.describe();
  EXPECT_GE(pair.timeoutsHandled, 1);
  EXPECT_GE(pair.droppedDatagrams, 1);
}

TEST(DtlsSrtpTest, LostFirstServerFlightIsRetransmitted) {
  Pair pair;
  // ServerHello to ServerHelloDone, until a retransmission timer fired.
  pair.dropToClient = [&pair](int, const std::vector<uint8_t>&) {
    return pair.timeoutsHandled == 0;
  };
  pair.start();
  ASSERT_TRUE(pair.pump()) << pair.describe();
  EXPECT_GE(pair.timeoutsHandled, 1);
  EXPECT_GE(pair.droppedDatagrams, 1);
}

TEST(DtlsSrtpTest, LostServerFinishedIsRetransmittedAfterTheServerConnected) {
  Pair pair;
  // The server's ChangeCipherSpec and its Finished (epoch 1), the first time: the client sends
  // its last flight again and the server, connected by then, answers it.
  int lastFlightDatagrams = 0;
  pair.dropToClient = [&lastFlightDatagrams](int, const std::vector<uint8_t>& datagram) {
    const bool last = datagram.size() > 4 && (datagram[0] == 20 || datagram[4] == 1);
    return last && ++lastFlightDatagrams <= 2;
  };
  pair.start();
  ASSERT_TRUE(pair.pump()) << pair.describe();
  EXPECT_GE(lastFlightDatagrams, 2 + 2);  // two dropped, then sent again
  EXPECT_GE(pair.timeoutsHandled, 1);
}

TEST(DtlsSrtpTest, HandshakeDatagramsFitTheMtu) {
  Pair pair(Certificate::kRsa);  // bigger certificates: fragmented handshake messages
  pair.start();
  ASSERT_TRUE(pair.pump()) << pair.describe();
  EXPECT_LE(pair.largestDatagramBytes, static_cast<size_t>(DtlsSrtpSession::kMtuBytes));
  EXPECT_GT(pair.largestDatagramBytes, 0u);
}

TEST(DtlsSrtpTest, GarbageNeverCrashes) {
  std::mt19937 random(42);
  Pair pair;
  pair.start();
  const std::vector<std::vector<uint8_t>> junk = {
      {},
      {0x00, 0x01},                                                // STUN-like
      {22},                                                        // a record header's first byte
      {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0x40},              // header cut short
      {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0x40, 0, 1, 2},     // length beyond the datagram
      {23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0, 4, 1, 2, 3, 4},  // data of an unknown epoch
  };
  for (const auto& datagram : junk) {
    pair.server->receive(datagram.data(), datagram.size());
    pair.client->receive(datagram.data(), datagram.size());
  }
  ASSERT_TRUE(pair.pump()) << pair.describe();  // junk before the handshake changed nothing
  for (const auto& datagram : junk) {           // and after it
    pair.server->receive(datagram.data(), datagram.size());
    pair.client->receive(datagram.data(), datagram.size());
  }
  ASSERT_TRUE(pair.connected()) << pair.describe();
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> datagram(1 + random() % 300);
    for (uint8_t& byte : datagram) {
      byte = static_cast<uint8_t>(random());
    }
    datagram[0] = static_cast<uint8_t>(20 + random() % 4);
    if (datagram.size() > 2) {
      datagram[1] = 0xfe;
      datagram[2] = 0xfd;
    }
    pair.client->receive(datagram.data(), datagram.size());
    std::vector<uint8_t> copy = datagram;
    size_t size = copy.size();
    EXPECT_FALSE(pair.client->unprotectRtp(copy.data(), &size));
    size = copy.size();
    EXPECT_FALSE(pair.client->unprotectRtcp(copy.data(), &size));
  }
  EXPECT_EQ(pair.client->state(), DtlsState::kConnected) << pair.client->error();
  size_t size = 0;
  EXPECT_FALSE(pair.client->unprotectRtp(nullptr, &size));
  std::vector<uint8_t> packet = rtpPacket(1, 1, 100);
  size = packet.size();
  EXPECT_FALSE(pair.client->protectRtp(packet.data(), &size, packet.size()));  // no room
  EXPECT_EQ(size, packet.size());
  packet[0] = 0x9f;  // 15 CSRCs claimed in 112 bytes
  packet.resize(1500);
  size = 20;
  EXPECT_FALSE(pair.client->protectRtp(packet.data(), &size, packet.size()));
}

TEST(DtlsSrtpTest, GarbageDuringTheHandshakeFailsItCleanlyOrIsIgnored) {
  std::mt19937 random(7);
  for (int round = 0; round < 50; ++round) {
    Pair pair;
    pair.start();
    for (int i = 0; i < 20; ++i) {
      std::vector<uint8_t> datagram(13 + random() % 200);
      for (uint8_t& byte : datagram) {
        byte = static_cast<uint8_t>(random());
      }
      datagram[0] = 22;
      datagram[1] = 0xfe;
      datagram[2] = 0xfd;
      datagram[3] = datagram[4] = 0;  // epoch 0: parsed as a handshake message
      datagram[11] = static_cast<uint8_t>((datagram.size() - 13) >> 8);
      datagram[12] = static_cast<uint8_t>(datagram.size() - 13);
      pair.server->receive(datagram.data(), datagram.size());
    }
    const bool connected = pair.pump();
    if (!connected) {
      EXPECT_FALSE(pair.server->error().empty() && pair.client->error().empty());
    }
  }
}

TEST(DtlsSrtpTest, NothingToProtectBeforeConnected) {
  Pair pair;
  pair.create();
  std::vector<uint8_t> packet = rtpPacket(1, 1, 100);
  size_t size = packet.size();
  packet.resize(1500);
  EXPECT_FALSE(pair.client->protectRtp(packet.data(), &size, packet.size()));
  pair.start();
  EXPECT_FALSE(pair.client->protectRtp(packet.data(), &size, packet.size()));
  EXPECT_FALSE(pair.server->unprotectRtcp(packet.data(), &size));
}

TEST(DtlsSrtpTest, CloseNotifiesThePeer) {
  Pair pair;
  pair.start();
  ASSERT_TRUE(pair.pump()) << pair.describe();
  pair.client->close();
  EXPECT_EQ(pair.client->state(), DtlsState::kClosed);
  pair.pump();
  EXPECT_EQ(pair.server->state(), DtlsState::kClosed);
  std::vector<uint8_t> packet = rtpPacket(1, 1, 100);
  size_t size = packet.size();
  packet.resize(1500);
  EXPECT_FALSE(pair.server->protectRtp(packet.data(), &size, packet.size()));
  EXPECT_EQ(pair.clientStates.back(), DtlsState::kClosed);
}

TEST(DtlsSrtpTest, ProtectsFromSeveralThreads) {
  Pair pair;
  pair.start();
  ASSERT_TRUE(pair.pump()) << pair.describe();
  constexpr int kPackets = 500;
  std::vector<std::vector<uint8_t>> protectedPackets[2];
  std::atomic<int> failures{0};
  auto send = [&](int stream) {
    for (int i = 0; i < kPackets; ++i) {
      std::vector<uint8_t> packet = rtpPacket(1000 + stream, static_cast<uint16_t>(i), 300);
      size_t size = packet.size();
      packet.resize(size + 64);
      if (!pair.server->protectRtp(packet.data(), &size, packet.size())) {
        ++failures;
      }
      packet.resize(size);
      protectedPackets[stream].push_back(std::move(packet));
    }
  };
  std::thread audio(send, 0), video(send, 1);
  for (int i = 0; i < kPackets; ++i) {  // the event loop's RTCP, meanwhile
    std::vector<uint8_t> report = rtcpSenderReport(77);
    size_t size = report.size();
    report.resize(size + 64);
    if (!pair.server->protectRtcp(report.data(), &size, report.size())) {
      ++failures;
    }
  }
  audio.join();
  video.join();
  EXPECT_EQ(failures.load(), 0);
  for (auto& stream : protectedPackets) {
    for (auto& packet : stream) {
      size_t size = packet.size();
      EXPECT_TRUE(pair.client->unprotectRtp(packet.data(), &size));
    }
  }
}

TEST(DtlsSrtpTest, HeapOfAConnectedSession) {
  constexpr int kPairs = 100;
  const Certificate client, server;
  std::vector<std::unique_ptr<Pair>> pairs;
  {
    Pair warmUp(client, server);  // the shared SSL_CTXs, libsrtp, OpenSSL's tables
    warmUp.start();
    ASSERT_TRUE(warmUp.pump());
  }
  malloc_trim(0);
  const size_t before = mallinfo2().uordblks;
  for (int i = 0; i < kPairs; ++i) {
    pairs.push_back(std::make_unique<Pair>(client, server));
    pairs.back()->start();
    ASSERT_TRUE(pairs.back()->pump());
  }
  const size_t after = mallinfo2().uordblks;
  const size_t perSessionBytes = (after - before) / (2 * kPairs);
  std::cout << "heap per connected session: " << perSessionBytes / 1024.0 << " KiB (" << kPairs
            << " pairs, shared SSL_CTX per certificate)\n";
  RecordProperty("heapPerSessionBytes", static_cast<int>(perSessionBytes));
  pairs.clear();
  malloc_trim(0);
  EXPECT_LT(mallinfo2().uordblks, before + 64 * 1024) << "sessions leak";
  EXPECT_LT(perSessionBytes, 256u * 1024);
}

}  // namespace
}  // namespace kurento::webrtc::lean

int main(int argc, char** argv) {
  gst_init(&argc, &argv);  // GST_DEBUG=kms-dtls*:6 shows the sessions' logs
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
