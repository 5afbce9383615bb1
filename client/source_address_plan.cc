// SourceAddressPlan: the automatic spread of a loopback target over 127.0.0.0/8 sources.
#include "client/source_address_plan.h"

#include <netinet/in.h>

#include <fstream>

#include "absl/strings/str_cat.h"

namespace client {
namespace {

// Debian's default range, 32768-60999.
constexpr uint64_t kDefaultEphemeralPorts = 28232;

bool IsIpv4Loopback(const reactor::SocketAddress& address) {
  if (address.family() != AF_INET) return false;
  const auto* in = reinterpret_cast<const sockaddr_in*>(address.sockaddr_ptr());
  return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
}

}  // namespace

uint64_t EphemeralPortCount() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  uint64_t low = 0;
  uint64_t high = 0;
  if (!(in >> low >> high) || high < low) return kDefaultEphemeralPorts;
  return high - low + 1;
}

absl::StatusOr<SourceAddressPlan> PlanSourceAddresses(const ClientOptions& options,
                                                      uint64_t ephemeral_ports) {
  SourceAddressPlan plan;
  if (!options.source_addresses.empty()) {
    plan.addresses = options.source_addresses;
    return plan;
  }
  // A quarter: connect() prefers even ports, so half the range is its first choice, and the
  // search stays fast while at most half of those are taken.
  const uint64_t per_address = std::max<uint64_t>(1, ephemeral_ports / 4);
  const uint64_t connections = static_cast<uint64_t>(options.connections);
  if (!IsIpv4Loopback(options.target) || connections <= per_address) return plan;
  const uint64_t count = (connections + per_address - 1) / per_address;
  if (count > 254) {
    return absl::InvalidArgumentError(
        absl::StrCat("--connections: ", connections, " need more than 254 loopback sources"));
  }
  for (uint64_t i = 1; i <= count; ++i) {
    auto address = reactor::SocketAddress::FromHostPort(absl::StrCat("127.0.0.", i), 0);
    if (!address.ok()) return address.status();
    plan.addresses.push_back(*address);
  }
  plan.explanation = absl::StrCat(
      "sources 127.0.0.1-127.0.0.", count, " chosen automatically: ", connections,
      " connections to one loopback target are more than a quarter of the ", ephemeral_ports,
      " ephemeral ports one source address has, where the kernel's port search in connect() "
      "slows down; --source_addresses overrides");
  return plan;
}

}  // namespace client
