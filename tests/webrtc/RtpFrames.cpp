#include "RtpFrames.hpp"

#include <gio/gio.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace kms::test {

int boundUdpSocket(int& port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot bind a UDP socket");
  }
  port = ntohs(address.sin_port);
  return fd;
}

GstElement* launchPipeline(const std::string& description) {
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  if (pipeline == nullptr) {
    const std::string reason = error != nullptr ? error->message : "?";
    g_clear_error(&error);
    throw std::runtime_error("cannot build " + description + ": " + reason);
  }
  return pipeline;
}

RtpFrameReceiver::RtpFrameReceiver(const std::string& caps, const std::string& decoding) {
  fd_ = boundUdpSocket(port_);
  pipeline_ = launchPipeline("udpsrc name=src caps=" + caps + " ! rtpjitterbuffer latency=50 ! " +
                             decoding + " ! fakesink name=frames sync=false");
  GstElement* source = gst_bin_get_by_name(GST_BIN(pipeline_), "src");
  GSocket* socket = g_socket_new_from_fd(fd_, nullptr);
  g_object_set(source, "socket", socket, "close-socket", FALSE, nullptr);
  g_object_unref(socket);
  gst_object_unref(source);
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline_), "frames");
  GstPad* pad = gst_element_get_static_pad(sink, "sink");
  gst_pad_add_probe(
      pad, GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo*, gpointer frames) {
        ++*static_cast<std::atomic<uint64_t>*>(frames);
        return GST_PAD_PROBE_OK;
      },
      &frames_, nullptr);
  gst_object_unref(pad);
  gst_object_unref(sink);
  gst_element_set_state(pipeline_, GST_STATE_PLAYING);
}

RtpFrameReceiver::~RtpFrameReceiver() {
  gst_element_set_state(pipeline_, GST_STATE_NULL);
  gst_object_unref(pipeline_);
  ::close(fd_);
}

bool RtpFrameReceiver::waitForFrames(uint64_t count, std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (frames_ < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return frames_ >= count;
}

}  // namespace kms::test
