// SocketAddress: an IPv4 or IPv6 endpoint, parsed from and printed as "host:port".
#ifndef REACTOR_SOCKET_ADDRESS_H_
#define REACTOR_SOCKET_ADDRESS_H_

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace reactor {

class SocketAddress {
 public:
  SocketAddress() = default;

  // Numeric hosts only ("127.0.0.1", "::1", "0.0.0.0"): a reactor must never block on DNS.
  // "localhost" is accepted as 127.0.0.1 for convenience.
  static absl::StatusOr<SocketAddress> FromHostPort(std::string_view host, uint16_t port);
  // "HOST:PORT" or "[V6HOST]:PORT".
  static absl::StatusOr<SocketAddress> Parse(std::string_view host_port);
  // The local address of a socket (getsockname).
  static absl::StatusOr<SocketAddress> LocalOf(int fd);
  static SocketAddress FromSockaddr(const sockaddr* addr, socklen_t len);

  int family() const { return storage_.ss_family; }
  uint16_t port() const;
  void set_port(uint16_t port);
  std::string host() const;
  // "127.0.0.1:6379" or "[::1]:6379".
  std::string ToString() const;

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t length() const { return length_; }

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace reactor

#endif  // REACTOR_SOCKET_ADDRESS_H_
