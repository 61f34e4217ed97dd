// WebRTC fan-out, side by side with Janus (issue 15): one live VP8 RTP source (640x480@30,
// ~1 Mbps by default) feeds our server (RtpEndpoint -> N WebRtcEndpoints) and Janus's streaming
// plugin (an RTP mountpoint); the same GStreamer webrtcbin viewers (frames counted after
// depayloading, not decoded) watch each server in turn, N = --viewers. For each N and server:
// CPU over a fixed window from /proc, RSS, threads and open fds, and the lowest frame rate
// any viewer got; a row fails when a viewer got less than the source's frame rate (5% slack).
// The "per added viewer" figures subtract the same server's figures with no viewer.
// Usage: fanout-bench [--viewers 1,10,20,40,80] [--seconds 10] [--width 640 --height 480]
//                     [--fps 30] [--bitrate-kbps 1000]
#include "FanoutSides.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using kms::bench::Measure;

std::vector<int> parseList(const std::string& text) {
  std::vector<int> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    values.push_back(std::stoi(item));
  }
  return values;
}

double perViewer(double value, double baseline, int viewers) {
  return viewers > 0 ? (value - baseline) / viewers : 0.0;
}

// The thread groups that took the most CPU in the window.
void printThreads(const char* server, const Measure& measure) {
  std::vector<std::pair<double, std::string>> groups;
  for (const auto& [name, group] : measure.threadGroups) {
    groups.emplace_back(group.cpuPercent, name);
  }
  std::sort(groups.rbegin(), groups.rend());
  std::printf("  %s threads by CPU (%% of a core, thread count):", server);
  for (size_t i = 0; i < groups.size() && i < 12; ++i) {
    std::printf(" %s %.1f%% x%d;", groups[i].second.c_str(), groups[i].first,
                measure.threadGroups.at(groups[i].second).count);
  }
  std::printf("\n");
}

double ratio(double ours, double theirs) { return theirs > 0 ? ours / theirs : 0.0; }

void printHeader() {
  std::printf(
      "%7s | %9s %9s %6s | %13s %13s %6s | %8s %8s | %9s %9s | %9s %9s | %7s %7s | %5s %5s | "
      "%7s %7s | %s\n",
      "viewers", "ours CPU%", "Janus CPU%", "ratio", "ours CPU%/v", "Janus CPU%/v", "ratio",
      "ours RSS", "Janus RSS", "ours MB/v", "Janus MB/v", "ours +MB/v", "Janus +MB/v", "thr us",
      "thr J", "fd us", "fd J", "min fps", "min fps", "result");
}

// "MB/v" divides the growth from no viewer by N (so it carries what the first viewer costs
// once: libraries read in, the certificate); "+MB/v" is the growth from the previous row per
// viewer added since, what one more viewer costs.
struct PreviousRow {
  int viewers = 0;
  double oursKiB = 0;
  double janusKiB = 0;
};

bool printRow(int viewers, const Measure& ours, const Measure& janus, const Measure& ours0,
              const Measure& janus0, double sourceFps, int nominalFps, PreviousRow& previous) {
  const double oursPer = perViewer(ours.cpuPercent, ours0.cpuPercent, viewers);
  const double janusPer = perViewer(janus.cpuPercent, janus0.cpuPercent, viewers);
  const double oursMb = perViewer(ours.rssKiB, ours0.rssKiB, viewers) / 1024.0;
  const double janusMb = perViewer(janus.rssKiB, janus0.rssKiB, viewers) / 1024.0;
  const int added = viewers - previous.viewers;
  const double oursAddedMb =
      previous.viewers > 0 ? perViewer(ours.rssKiB, previous.oursKiB, added) / 1024.0 : oursMb;
  const double janusAddedMb =
      previous.viewers > 0 ? perViewer(janus.rssKiB, previous.janusKiB, added) / 1024.0 : janusMb;
  previous = {viewers, static_cast<double>(ours.rssKiB), static_cast<double>(janus.rssKiB)};
  const double needed = 0.95 * sourceFps;
  const bool sourceOk = sourceFps >= 0.95 * nominalFps;
  const bool ok = sourceOk && ours.minFps >= needed && janus.minFps >= needed;
  std::printf(
      "%7d | %9.1f %10.1f %5.2fx | %13.3f %13.3f %5.2fx | %5.0f MB %6.0f MB | %9.2f %10.2f | "
      "%10.2f %11.2f | %7d %7d | %5d %5d | %7.1f %7.1f | %s\n",
      viewers, ours.cpuPercent, janus.cpuPercent, ratio(ours.cpuPercent, janus.cpuPercent), oursPer,
      janusPer, ratio(oursPer, janusPer), ours.rssKiB / 1024.0, janus.rssKiB / 1024.0, oursMb,
      janusMb, oursAddedMb, janusAddedMb, ours.threads, janus.threads, ours.fds, janus.fds, ours.minFps, janus.minFps,
      ok          ? "ok"
      : !sourceOk ? "FAILED (the source itself fell below its frame rate: machine overloaded)"
                  : (ours.minFps < needed ? "FAILED (ours below the source's frame rate)"
                                          : "FAILED (Janus below the source's frame rate)"));
  std::fflush(stdout);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  namespace po = boost::program_options;
  po::options_description options("fanout-bench options");
  options.add_options()("help", "this help")(
      "viewers", po::value<std::string>()->default_value("1,10,20,40,80"), "viewer counts")(
      "seconds", po::value<int>()->default_value(10), "measuring window per count and server")(
      "width", po::value<int>()->default_value(640), "video width")(
      "height", po::value<int>()->default_value(480), "video height")(
      "fps", po::value<int>()->default_value(30), "video frame rate")(
      "bitrate-kbps", po::value<int>()->default_value(1000), "VP8 target bitrate")(
      "threads", "also print each server's CPU by thread group for every row")(
      "hold-seconds", po::value<int>()->default_value(0),
      "profiling: only our server, hold --viewers (one count) this long after the window "
      "(attach perf to the pid printed)");
  po::variables_map args;
  po::store(po::parse_command_line(argc, argv, options), args);
  if (args.count("help") != 0) {
    std::cout << options;
    return 0;
  }
  kms::bench::SourceFormat format;
  format.width = args["width"].as<int>();
  format.height = args["height"].as<int>();
  format.fps = args["fps"].as<int>();
  format.bitrateKbps = args["bitrate-kbps"].as<int>();
  const int seconds = args["seconds"].as<int>();
  const bool byThread = args.count("threads") != 0;
  bool allOk = true;
  if (args["hold-seconds"].as<int>() > 0) {
    return kms::bench::holdOurs(format, parseList(args["viewers"].as<std::string>()).at(0), seconds,
                                args["hold-seconds"].as<int>());
  }
  try {
    kms::bench::OurFanout ours;
    kms::bench::JanusFanout janus;
    kms::bench::RtpSource source(format, {ours.rtpPort(), janus.rtpPort()});
    const Measure ours0 = ours.measure(0, seconds, source);
    const Measure janus0 = janus.measure(0, seconds, source);
    std::printf(
        "fan-out: VP8 %dx%d@%d RTP source at %.0f kbps (%.1f frames/s measured), "
        "webrtcbin viewers counting frames, %d s window; with no viewer: ours %.1f%% "
        "CPU %.0f MB, Janus %.1f%% CPU %.0f MB\n",
        format.width, format.height, format.fps, source.kbps(), ours0.sourceFps, seconds,
        ours0.cpuPercent, ours0.rssKiB / 1024.0, janus0.cpuPercent, janus0.rssKiB / 1024.0);
    printHeader();
    PreviousRow previous;
    for (int count : parseList(args["viewers"].as<std::string>())) {
      const Measure oursRow = ours.measure(count, seconds, source, byThread);
      const Measure janusRow = janus.measure(count, seconds, source, byThread);
      allOk = printRow(count, oursRow, janusRow, ours0, janus0,
                       std::min(oursRow.sourceFps, janusRow.sourceFps), format.fps, previous) &&
              allOk;
      if (byThread) {
        printThreads("ours", oursRow);
        printThreads("Janus", janusRow);
      }
    }
  } catch (const std::exception& error) {
    std::cerr << "fanout-bench: " << error.what() << "\n";
    return 1;
  }
  std::printf("%s\n", allOk ? "every viewer got the full frame rate" : "some rows FAILED");
  return allOk ? 0 : 2;
}
