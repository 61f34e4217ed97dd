// How close the process is to its limits of open files and threads, as Kurento's
// `exceptionLimit` / `killLimit` settings measure it.
#pragma once

namespace kms::host {

// The larger of (open file descriptors / RLIMIT_NOFILE) and (threads / RLIMIT_NPROC or the
// kernel's threads-max), in [0, 1]; 0 when it cannot be read.
double resourceUsageFraction();

}  // namespace kms::host
