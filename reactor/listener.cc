// Listener: socket/bind/listen, batched accept4, and the spare-fd answer to EMFILE.
#include "reactor/listener.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "logging/rate_limited_log.h"

namespace reactor {
namespace {

int OpenSpareFd() { return open("/dev/null", O_RDONLY | O_CLOEXEC); }

}  // namespace

absl::StatusOr<std::unique_ptr<Listener>> Listener::Create(EventLoop* loop,
                                                           const ListenerOptions& options,
                                                           AcceptCallback on_accept,
                                                           ListenerStats* stats) {
  absl::StatusOr<SocketAddress> addr = SocketAddress::FromHostPort(options.host, options.port);
  if (!addr.ok()) return addr.status();
  if (options.backlog <= 0) return absl::InvalidArgumentError("backlog must be positive");

  const int fd = socket(addr->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::ErrnoToStatus(errno, "socket");
  // Owned by the listener from here on, so every early return below closes it.
  std::unique_ptr<Listener> listener(new Listener(loop, options, fd, std::move(on_accept), stats));

  const int one = 1;
  // Restarting the server must not wait out TIME_WAIT on the port.
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
    return absl::ErrnoToStatus(errno, "setsockopt(SO_REUSEADDR)");
  }
  if (options.reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
    return absl::ErrnoToStatus(errno, "setsockopt(SO_REUSEPORT)");
  }
  // Replies are written whole; Nagle would only hold back the tail of a reply for an ACK.
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
    return absl::ErrnoToStatus(errno, "setsockopt(TCP_NODELAY)");
  }
  if (options.tcp_keepalive > absl::ZeroDuration() &&
      options.tcp_keepalive != absl::InfiniteDuration()) {
    // The kernel takes whole seconds, at most 32767 for the idle time.
    const int idle = static_cast<int>(
        std::clamp<int64_t>(absl::ToInt64Seconds(options.tcp_keepalive), 1, 32767));
    const int interval = std::max(1, idle / 3);
    const int probes = 3;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes) < 0) {
      return absl::ErrnoToStatus(errno, "setsockopt(SO_KEEPALIVE)");
    }
  }
  if (bind(fd, addr->sockaddr_ptr(), addr->length()) < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("bind ", addr->ToString()));
  }
  if (listen(fd, options.backlog) < 0) return absl::ErrnoToStatus(errno, "listen");
  absl::StatusOr<SocketAddress> bound = SocketAddress::LocalOf(fd);
  if (!bound.ok()) return bound.status();
  listener->address_ = *bound;

  if (listener->spare_fd_ < 0) {
    // Retried here: the first attempt's errno is long gone.
    listener->spare_fd_ = OpenSpareFd();
    if (listener->spare_fd_ < 0) return absl::ErrnoToStatus(errno, "open /dev/null (spare fd)");
  }
  if (absl::Status s = loop->Add(fd, EPOLLIN, listener.get()); !s.ok()) return s;
  return listener;
}

Listener::Listener(EventLoop* loop, const ListenerOptions& options, int fd,
                   AcceptCallback on_accept, ListenerStats* stats)
    : loop_(loop),
      options_(options),
      fd_(fd),
      spare_fd_(OpenSpareFd()),
      on_accept_(std::move(on_accept)),
      stats_(stats != nullptr ? stats : &own_stats_) {}

Listener::~Listener() { Close(); }

void Listener::Close() {
  if (resume_timer_ != 0) loop_->Cancel(resume_timer_);
  resume_timer_ = 0;
  if (fd_ >= 0) {
    if (loop_->IsRegistered(fd_)) loop_->Remove(fd_).IgnoreError();  // cannot fail: registered
    close(fd_);
    fd_ = -1;
  }
  if (spare_fd_ >= 0) {
    close(spare_fd_);
    spare_fd_ = -1;
  }
}

void Listener::OnEvents(uint32_t events) {
  if (events & (EPOLLERR | EPOLLHUP)) {
    // Only a listening socket that was shut down or broke reports these, and they stay raised:
    // every accept4 would fail at once, every wakeup. Pause rather than spin.
    int err = 0;
    socklen_t len = sizeof err;
    (void)getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);  // clears a pending error
    ++stats_->accept_errors;
    PauseAccepting();
    return;
  }
  const int batch =
      options_.max_accepts_per_wakeup > 0 ? options_.max_accepts_per_wakeup : options_.backlog;
  for (int i = 0; i < batch && fd_ >= 0; ++i) {
    sockaddr_storage peer;
    socklen_t peer_len = sizeof peer;
    const int conn =
        accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (conn >= 0) {
      ++stats_->accepted;
      on_accept_(conn, SocketAddress::FromSockaddr(reinterpret_cast<sockaddr*>(&peer), peer_len));
      continue;
    }
    switch (errno) {
      case EAGAIN:
        return;  // backlog drained
      case EINTR:
        continue;
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
        if (!RecoverFromFdExhaustion()) return;
        continue;
      default:
        // ECONNABORTED, EPROTO, EPERM (firewall): that one connection failed, not the listener.
        ++stats_->accept_errors;
        continue;
    }
  }
}

bool Listener::RecoverFromFdExhaustion() {
  if (spare_fd_ >= 0) {
    close(spare_fd_);
    spare_fd_ = -1;
    const int conn = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    const int accept_errno = errno;
    if (conn >= 0) {
      close(conn);
      ++stats_->dropped_for_fds;
      static logging::RateLimitedLog dropped(logging::Level::kWarning,
                                             "connections refused for lack of fds");
      dropped.Log([&] {
        return absl::StrCat("refused a connection on ", address_.ToString(),
                            ": out of file descriptors (accepted on the reserve fd and closed)");
      });
    }
    spare_fd_ = OpenSpareFd();
    if (spare_fd_ >= 0) {
      if (conn >= 0) return true;  // one refused; more may be waiting
      // accept4 says EMFILE before it looks at the backlog, so EAGAIN only now tells us the
      // backlog is empty: nothing to refuse, and no reason to pause.
      if (accept_errno == EAGAIN || accept_errno == EWOULDBLOCK) return false;
    }
  }
  PauseAccepting();
  return false;
}

void Listener::PauseAccepting() {
  if (resume_timer_ != 0 || fd_ < 0) return;
  ++stats_->pauses;
  static logging::RateLimitedLog paused(logging::Level::kWarning, "accept pauses");
  paused.Log([&] {
    return absl::StrCat("accepting on ", address_.ToString(), " paused for ",
                        absl::FormatDuration(options_.fd_exhaustion_backoff),
                        ": no file descriptor left even for the reserve");
  });
  // Removed, not just given an empty interest set: EPOLLHUP and EPOLLERR cannot be masked, and a
  // broken listening socket would keep waking the loop through the pause.
  loop_->Remove(fd_).IgnoreError();  // registered, so DEL cannot fail
  resume_timer_ = loop_->RunAfter(options_.fd_exhaustion_backoff, [this] {
    resume_timer_ = 0;
    if (fd_ < 0) return;
    if (spare_fd_ < 0) spare_fd_ = OpenSpareFd();
    if (absl::Status s = loop_->Add(fd_, EPOLLIN, this); !s.ok()) {
      PauseAccepting();  // ENOMEM from epoll_ctl: try again after another backoff
    }
  });
}

}  // namespace reactor
