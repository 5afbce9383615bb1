// SocketAddress parsing and printing with inet_pton/inet_ntop.
#include "reactor/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace reactor {
namespace {

// Debian's abseil is built with its own string_view, distinct from std::string_view.
absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

absl::StatusOr<SocketAddress> SocketAddress::FromHostPort(std::string_view host, uint16_t port) {
  SocketAddress out;
  const std::string h(host == "localhost" ? "127.0.0.1" : host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage_);
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out.length_ = sizeof(sockaddr_in);
    return out;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage_);
  if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out.length_ = sizeof(sockaddr_in6);
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", AbslView(host), "' is not a numeric IPv4 or IPv6 address"));
}

absl::StatusOr<SocketAddress> SocketAddress::Parse(std::string_view host_port) {
  std::string_view host;
  std::string_view port_text;
  if (!host_port.empty() && host_port.front() == '[') {
    const size_t close = host_port.find("]:");
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", AbslView(host_port), "' is not of the form [HOST]:PORT"));
    }
    host = host_port.substr(1, close - 1);
    port_text = host_port.substr(close + 2);
  } else {
    const size_t colon = host_port.rfind(':');
    if (colon == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", AbslView(host_port), "' is not of the form HOST:PORT"));
    }
    host = host_port.substr(0, colon);
    port_text = host_port.substr(colon + 1);
  }
  uint32_t port = 0;
  if (!absl::SimpleAtoi(AbslView(port_text), &port) || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", AbslView(port_text), "' is not a port number (0-65535)"));
  }
  return FromHostPort(host, static_cast<uint16_t>(port));
}

SocketAddress SocketAddress::FromSockaddr(const sockaddr* addr, socklen_t len) {
  SocketAddress out;
  out.length_ = std::min<socklen_t>(len, sizeof(out.storage_));
  std::memcpy(&out.storage_, addr, out.length_);
  return out;
}

absl::StatusOr<SocketAddress> SocketAddress::LocalOf(int fd) {
  SocketAddress out;
  out.length_ = sizeof(out.storage_);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&out.storage_), &out.length_) < 0) {
    return absl::ErrnoToStatus(errno, "getsockname");
  }
  return out;
}

uint16_t SocketAddress::port() const {
  if (storage_.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  }
  if (storage_.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

void SocketAddress::set_port(uint16_t port) {
  if (storage_.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  } else if (storage_.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
  }
}

std::string SocketAddress::host() const {
  char text[INET6_ADDRSTRLEN] = "";
  if (storage_.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, text,
              sizeof text);
  } else if (storage_.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, text,
              sizeof text);
  }
  return text;
}

std::string SocketAddress::ToString() const {
  if (storage_.ss_family == AF_INET6) return absl::StrCat("[", host(), "]:", port());
  return absl::StrCat(host(), ":", port());
}

}  // namespace reactor
