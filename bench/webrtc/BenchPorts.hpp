// Free loopback ports for the benchmarks' servers, below the kernel's ephemeral range (a port
// probed and released inside it can be taken by any connection's local end in the meantime).
#pragma once

namespace kms::bench {

int freeTcpPort();
// An even UDP port whose successor (RTCP) is free too.
int freeUdpPortPair();

}  // namespace kms::bench
