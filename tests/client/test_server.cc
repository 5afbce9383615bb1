// TestServer: level-triggered epoll, one thread, echo with optional sabotage.
#include "tests/client/test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace client_testing {

struct TestServer::Conn {
  int fd = -1;
  std::string host;
  uint64_t echoed = 0;  // bytes received and answered on this connection
  std::string output;   // not yet taken by the socket
};

absl::StatusOr<uint16_t> ClosedPort() {
  // Bind to get a free port, then close without listening: nothing accepts on it afterwards.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::ErrnoToStatus(errno, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    const int err = errno;
    close(fd);
    return absl::ErrnoToStatus(err, "bind");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(const TestServerOptions& options) {
  // An IPv4 or an IPv6 address.
  sockaddr_storage addr{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  socklen_t len = 0;
  if (inet_pton(AF_INET, options.bind_host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, options.bind_host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    len = sizeof *v6;
  } else {
    return absl::InvalidArgumentError("bad bind host");
  }
  const int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::ErrnoToStatus(errno, "socket");
  const int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
      bind(fd, reinterpret_cast<sockaddr*>(&addr), len) < 0 || listen(fd, options.backlog) < 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    const int err = errno;
    close(fd);
    return absl::ErrnoToStatus(err, "listen");
  }
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  const int stop = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (ep < 0 || stop < 0) {
    close(fd);
    return absl::ErrnoToStatus(errno, "epoll_create1/eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) return absl::ErrnoToStatus(errno, "epoll_ctl");
  ev.data.fd = stop;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, stop, &ev) < 0) return absl::ErrnoToStatus(errno, "epoll_ctl");
  const uint16_t port = ntohs(addr.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
  std::unique_ptr<TestServer> server(new TestServer(options, fd, ep, stop, port));
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

TestServer::TestServer(const TestServerOptions& options, int listen_fd, int epoll_fd, int stop_fd,
                       uint16_t port)
    : options_(options),
      listen_fd_(listen_fd),
      epoll_fd_(epoll_fd),
      stop_fd_(stop_fd),
      port_(port),
      started_(absl::Now()) {}

TestServer::~TestServer() {
  const uint64_t one = 1;
  if (write(stop_fd_, &one, sizeof one) < 0) std::perror("eventfd write");
  thread_.join();
  for (auto& [fd, conn] : conns_) close(fd);
  close(listen_fd_);
  close(epoll_fd_);
  close(stop_fd_);
}

std::map<std::string, int> TestServer::PeersByHost() {
  absl::MutexLock lock(&mutex_);
  return peers_;
}

absl::Duration TestServer::AcceptSpan() {
  absl::MutexLock lock(&mutex_);
  if (first_accept_ == absl::InfinitePast()) return absl::ZeroDuration();
  return last_accept_ - first_accept_;
}

void TestServer::Serve() {
  epoll_event events[256];
  while (true) {
    const int n = epoll_wait(epoll_fd_, events, 256, 50);
    if (n < 0 && errno != EINTR) {
      std::perror("epoll_wait");
      return;
    }
    if (options_.misbehaviour == Misbehaviour::kStall && !stalled_ &&
        absl::Now() - started_ >= options_.stall_after) {
      stalled_ = true;
      absl::SleepFor(options_.stall_for);  // the whole server freezes, as a GC pause would
      continue;
    }
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == stop_fd_) return;
      if (fd == listen_fd_) {
        Accept();
        continue;
      }
      auto it = conns_.find(fd);
      if (it == conns_.end()) continue;
      bool keep = true;
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) keep = OnReadable(*it->second);
      if (keep && (events[i].events & EPOLLOUT)) keep = FlushOutput(*it->second);
      if (!keep) {
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
        conns_.erase(it);
      }
    }
  }
}

void TestServer::Accept() {
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int fd =
        accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or EMFILE: the test will see connect failures
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char host[INET6_ADDRSTRLEN] = "";
    if (peer.ss_family == AF_INET6) {
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&peer)->sin6_addr, host, sizeof host);
    } else {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&peer)->sin_addr, host, sizeof host);
    }
    auto conn = std::make_unique<Conn>();
    conn->fd = fd;
    conn->host = host;
    {
      absl::MutexLock lock(&mutex_);
      ++peers_[host];
      last_accept_ = absl::Now();
      if (first_accept_ == absl::InfinitePast()) first_accept_ = last_accept_;
    }
    ++accepted_;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
      close(fd);
      continue;
    }
    conns_[fd] = std::move(conn);
  }
}

bool TestServer::OnReadable(Conn& conn) {
  char buf[64 * 1024];
  const ssize_t n = recv(conn.fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n == 0) return false;
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  std::string reply(buf, static_cast<size_t>(n));
  const uint64_t trigger = options_.trigger_bytes;
  switch (options_.misbehaviour) {
    case Misbehaviour::kResetMidResponse:
      if (conn.echoed + reply.size() > trigger) {
        // Half of this reply, then a reset: SO_LINGER with a zero timeout makes close send RST.
        const size_t half = std::max<size_t>(1, reply.size() / 2);
        send(conn.fd, reply.data(), half, MSG_NOSIGNAL);
        linger hard{1, 0};
        setsockopt(conn.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        return false;
      }
      break;
    case Misbehaviour::kCloseEarly:
      if (conn.echoed + reply.size() > trigger) return false;
      break;
    case Misbehaviour::kCorruptByte:
      if (!corrupted_ && output_offset_ + reply.size() > trigger) {
        reply[trigger - output_offset_] ^= 0x20;
        corrupted_ = true;
      }
      break;
    case Misbehaviour::kRespPong: {
      // Each PING in a pipelined batch ends with "\r\n" after "PING": count them.
      size_t pings = 0;
      for (size_t pos = reply.find("PING"); pos != std::string::npos;
           pos = reply.find("PING", pos + 4)) {
        ++pings;
      }
      reply.clear();
      for (size_t i = 0; i < pings; ++i) reply += "+PONG\r\n";
      break;
    }
    default:
      break;
  }
  conn.echoed += static_cast<uint64_t>(n);
  output_offset_ += reply.size();
  conn.output += reply;
  return FlushOutput(conn);
}

bool TestServer::FlushOutput(Conn& conn) {
  while (!conn.output.empty()) {
    const ssize_t n =
        send(conn.fd, conn.output.data(), conn.output.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN) break;
      return false;
    }
    conn.output.erase(0, static_cast<size_t>(n));
  }
  epoll_event ev{};
  ev.events = conn.output.empty() ? EPOLLIN : (EPOLLIN | EPOLLOUT);
  ev.data.fd = conn.fd;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, conn.fd, &ev) == 0;
}

}  // namespace client_testing
