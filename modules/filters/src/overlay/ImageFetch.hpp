// Overlay pictures for FaceOverlayFilter and ImageOverlayFilter are fetched once, in the
// caller's thread (a client request, never a streaming thread), and decoded to BGRA.
#pragma once

#include <opencv2/core.hpp>

#include <cstddef>
#include <string>

namespace kurento::filters {

struct FetchLimits {
  int timeoutMs = 10000;
  size_t maxBytes = 32 * 1024 * 1024;
};

// Fetches `uri` (file://, http://, https://, or another scheme a GStreamer source handles) and
// decodes it (PNG with or without alpha, JPEG, and the other formats OpenCV reads) into an
// 8-bit BGRA picture. Throws kms::KurentoException(kMediaObjectIllegalParamError) naming the
// URI and the reason when it cannot be fetched within the limits or decoded.
cv::Mat loadOverlayImage(const std::string& uri, const FetchLimits& limits = {});

}  // namespace kurento::filters
