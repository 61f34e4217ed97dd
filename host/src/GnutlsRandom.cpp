// gnutls_rnd for libnice, without GnuTLS's per-thread generator state.
//
// libnice (0.1.21, built with GnuTLS) takes every STUN transaction id and nonce from
// gnutls_rnd. GnuTLS 3.7 gives each thread that calls gnutls_rnd a generator of its own
// (176 bytes, plus a 16-byte list node) and frees them only in gnutls_global_deinit, never when
// the thread ends. webrtcbin runs each ICE agent on a thread of its own, so every WebRTC
// session leaked ~200 bytes, allocated on a short-lived thread's malloc arena, where each
// block kept a page that the rest of the session had freed from being given back: the server's
// RSS crept by kilobytes per session (heaptrack: bench/webrtc/webrtc_churn.cpp, 200 vs 600
// sessions; the only allocations of the longer run left per session were these).
//
// The executable exports this definition (host/CMakeLists.txt), so the dynamic linker binds
// libnice's gnutls_rnd@GNUTLS_3_4 to it, ahead of libgnutls: random bytes come from the
// kernel's generator (getrandom(2), what GnuTLS seeds its own from), with no state to keep.
#include <sys/random.h>

#include <cerrno>
#include <cstddef>

namespace {
constexpr int kGnutlsRandomFailed = -206;  // GNUTLS_E_RANDOM_FAILED
}  // namespace

extern "C" __attribute__((visibility("default"))) int gnutls_rnd(int /*level*/, void* data,
                                                                 size_t length) {
  auto* out = static_cast<unsigned char*>(data);
  while (length > 0) {
    const ssize_t got = ::getrandom(out, length, 0);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return kGnutlsRandomFailed;
    }
    out += got;
    length -= static_cast<size_t>(got);
  }
  return 0;
}
