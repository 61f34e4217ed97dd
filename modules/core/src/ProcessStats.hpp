// Machine and process figures for ServerManager (read from /proc).
#pragma once

#include <cstdint>

namespace kurento {

// Resident memory of this process in KiB.
int64_t residentMemoryKiB();
// Share of all CPUs' time spent busy over the next `intervalMs`, in percent (0..100).
double machineCpuUsagePercent(int32_t intervalMs);

}  // namespace kurento
