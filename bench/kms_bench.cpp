// Benchmarks of kurento-media-server on loopback: start-up, idle memory, invoke throughput
// on 1 and 8 connections, and create/release cycles of pipelines (time and memory).
//
//   kms-bench --binary build/bin/kurento-media-server --modules-path build/lib/kurento/modules
//             [--invokes 100000] [--cycles 1000]
#include "BenchClient.hpp"
#include "ServerProcess.hpp"

#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

namespace po = boost::program_options;
using kms::bench::BenchClient;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kWindow = 128;  // requests in flight per connection

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Sends `count` pipelined getName invokes on `client` and reads every response.
void invokeMany(BenchClient& client, const std::string& objectId, int count) {
  const std::string prefix = R"({"jsonrpc":"2.0","method":"invoke","params":{"object":")" +
                             objectId + R"(","operation":"getName"},"id":)";
  int sent = 0;
  int received = 0;
  while (received < count) {
    while (sent < count && sent - received < kWindow) {
      client.send(prefix + std::to_string(client.nextId()) + "}");
      ++sent;
    }
    std::string response = client.receive();
    if (response.find("\"error\"") != std::string::npos) {
      throw std::runtime_error("invoke failed: " + response);
    }
    ++received;
  }
}

double invokeRate(uint16_t port, const std::string& objectId, int connections, int total) {
  std::vector<std::unique_ptr<BenchClient>> clients;
  for (int i = 0; i < connections; ++i) {
    clients.push_back(std::make_unique<BenchClient>("127.0.0.1", port, "/kurento"));
    clients.back()->call("ping", R"({"interval":240000})");
  }
  const int perConnection = total / connections;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (auto& client : clients) {
    threads.emplace_back([&client, &objectId, perConnection] {
      invokeMany(*client, objectId, perConnection);
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  return perConnection * connections / secondsSince(start);
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("kms-bench options");
  std::string binary;
  std::string modulesPath;
  int invokes = 100000;
  int cycles = 1000;
  options.add_options()("help,h", "this help")(
      "binary", po::value(&binary)->required(), "kurento-media-server binary")(
      "modules-path", po::value(&modulesPath)->required(), "folder of the module .so files")(
      "invokes", po::value(&invokes), "invokes per throughput run")(
      "cycles", po::value(&cycles), "pipeline create/release cycles");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    if (args.count("help")) {
      std::cout << options << "\n";
      return 0;
    }
    po::notify(args);
  } catch (const std::exception& error) {
    std::cerr << "kms-bench: " << error.what() << "\n" << options << "\n";
    return 1;
  }

  try {
    const uint16_t port = kms::bench::freeLoopbackPort();
    kms::bench::ServerProcess server(binary, modulesPath, port);
    std::printf("startup_to_listening_ms   %10.1f   (target < 300)\n", server.startupMs());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::printf("idle_rss_kib              %10lld\n", static_cast<long long>(server.rssKiB()));

    BenchClient client("127.0.0.1", port, "/kurento");
    const std::string pipeline =
        kms::bench::valueString(client.call("create", R"({"type":"MediaPipeline"})"));
    std::printf("invokes_per_s_1_conn      %10.0f   (target >= 20000)\n",
                invokeRate(port, pipeline, 1, invokes));
    std::printf("invokes_per_s_8_conn      %10.0f\n", invokeRate(port, pipeline, 8, invokes));
    client.call("release", R"({"object":")" + pipeline + R"("})");

    const int64_t rssBefore = server.rssKiB();
    const auto start = Clock::now();
    for (int i = 0; i < cycles; ++i) {
      const std::string id =
          kms::bench::valueString(client.call("create", R"({"type":"MediaPipeline"})"));
      client.call("release", R"({"object":")" + id + R"("})");
    }
    const double elapsedS = secondsSince(start);
    const int64_t rssAfter = server.rssKiB();
    std::printf("create_release_cycles     %10d\n", cycles);
    std::printf("create_release_total_ms   %10.1f   (%.3f ms per cycle)\n", elapsedS * 1000,
                elapsedS * 1000 / cycles);
    std::printf("rss_before_cycles_kib     %10lld\n", static_cast<long long>(rssBefore));
    std::printf("rss_after_cycles_kib      %10lld   (%+.1f%%, target within 5%%)\n",
                static_cast<long long>(rssAfter),
                100.0 * static_cast<double>(rssAfter - rssBefore) / static_cast<double>(rssBefore));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "kms-bench: %s\n", error.what());
    return 1;
  }
  return 0;
}
