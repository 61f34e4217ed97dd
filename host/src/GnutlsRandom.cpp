// gnutls_rnd for libnice, without GnuTLS's per-thread generator state.
//
// libnice (0.1.21, built with GnuTLS) takes every STUN transaction id and nonce from
// gnutls_rnd. GnuTLS 3.7 gives each thread that calls gnutls_rnd a generator of its own
// (176 bytes, plus a 16-byte list node) and frees them only in gnutls_global_deinit, never when
// the thread ends. webrtcbin runs each ICE agent on a thread of its own, so every WebRTC
// session leaked ~200 bytes for good (heaptrack, bench/webrtc/webrtc_churn.cpp with 200 and 600
// sessions: the only allocations of the longer run left over per extra session were these).
// Small next to the server's RSS, but unbounded.
//
// The executable exports this definition (host/CMakeLists.txt), so the dynamic linker binds
// libnice's gnutls_rnd@GNUTLS_3_4 to it, ahead of libgnutls: random bytes come from the
// kernel's generator (getrandom(2), what GnuTLS seeds its own from), with no state to keep.
// GnuTLS's own calls and those of the other libraries in the process (librtmp, libcurl-gnutls)
// bind to it too (LD_DEBUG=bindings), which is as good a source for every level they ask for.
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
