#!/usr/bin/python3
"""A real RTSP server for the PlayerEndpoint tests (GStreamer's gst-rtsp-server library).

    rtsp-server.py PORT [--protocols tcp|udp|any] [--codec VP8|H264]

Serves rtsp://127.0.0.1:PORT/live: a live 320x240@30 test pattern (and a tone), shared by
every client. Prints "ready" once it listens; runs until killed.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

ENCODERS = {
    "VP8": "vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay name=pay0 pt=96",
    "H264": "openh264enc complexity=low gop-size=30 ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port")
    parser.add_argument("--protocols", default="any", choices=["tcp", "udp", "any"])
    parser.add_argument("--codec", default="VP8", choices=sorted(ENCODERS))
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(args.port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! "
        + ENCODERS[args.codec]
        + " audiotestsrc is-live=true wave=ticks ! opusenc ! rtpopuspay name=pay1 pt=111 )")
    factory.set_shared(True)
    if args.protocols != "any":
        lower = GstRtsp.RTSPLowerTrans.TCP if args.protocols == "tcp" else GstRtsp.RTSPLowerTrans.UDP
        factory.set_protocols(lower)
    server.get_mount_points().add_factory("/live", factory)
    if server.attach(None) == 0:
        print("cannot listen on port " + args.port, flush=True)
        sys.exit(1)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
