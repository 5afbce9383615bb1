// SourceAddressPlan: which local addresses the connections bind, when --source_addresses does not
// say. One source address reaches one destination through the ephemeral port range only, and
// Linux's search for a free port in connect() slows sharply once about half of that range is in
// use for the destination: 19,000 connections from 127.0.0.1 to one port took tens of seconds,
// most timing out. A loopback target can be reached from any 127.0.0.0/8 address, so the plan
// spreads such a run over as many as keep each address's share at a quarter of the range.
#ifndef CLIENT_SOURCE_ADDRESS_PLAN_H_
#define CLIENT_SOURCE_ADDRESS_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/client_options.h"
#include "reactor/socket_address.h"

namespace client {

struct SourceAddressPlan {
  std::vector<reactor::SocketAddress> addresses;  // empty: the kernel picks (no bind)
  // Why, for the report; empty when the user's --source_addresses are used or none are needed.
  std::string explanation;
};

// The size of net.ipv4.ip_local_port_range (28,232 if it cannot be read).
uint64_t EphemeralPortCount();

// The user's --source_addresses if given; otherwise, for an IPv4 loopback target with more
// connections than a quarter of `ephemeral_ports`, 127.0.0.1, 127.0.0.2, ... as many as needed.
absl::StatusOr<SourceAddressPlan> PlanSourceAddresses(const ClientOptions& options,
                                                      uint64_t ephemeral_ports);

}  // namespace client

#endif  // CLIENT_SOURCE_ADDRESS_PLAN_H_
