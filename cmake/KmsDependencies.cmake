# Debian 12 packages only; see README for the apt-get line.
find_package(PkgConfig REQUIRED)
pkg_check_modules(GST REQUIRED IMPORTED_TARGET gstreamer-1.0>=1.22 gstreamer-base-1.0)
# SDP parsing (core) and RTP endpoints (elements): gst-plugins-base libraries.
pkg_check_modules(GST_SDP REQUIRED IMPORTED_TARGET gstreamer-sdp-1.0>=1.22)
pkg_check_modules(GST_RTP REQUIRED IMPORTED_TARGET gstreamer-rtp-1.0>=1.22 gstreamer-net-1.0 gio-2.0)
pkg_check_modules(GST_WEBRTC REQUIRED IMPORTED_TARGET gstreamer-webrtc-1.0>=1.22)
# WebRtcEndpoint networkInterfaces: local addresses given to webrtcbin's libnice agent.
pkg_check_modules(NICE REQUIRED IMPORTED_TARGET nice>=0.1.18)
# Lean WebRTC transport (webrtc/lean/DtlsSrtp): SRTP keyed by our own DTLS handshake.
pkg_check_modules(SRTP REQUIRED IMPORTED_TARGET libsrtp2>=2.4)
# Recording uploads to http(s) targets (recorder/HttpUploader).
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl>=7.85)
# PlayerEndpoint and RecorderEndpoint (elements): appsrc/appsink between their pipelines.
pkg_check_modules(GST_APP REQUIRED IMPORTED_TARGET gstreamer-app-1.0>=1.22)
# OpenCV filters (module filters): raw video frames as cv::Mat.
pkg_check_modules(GST_VIDEO REQUIRED IMPORTED_TARGET gstreamer-video-1.0>=1.22)
find_package(OpenCV 4 REQUIRED COMPONENTS core imgproc)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options filesystem)
find_package(RapidJSON REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)
