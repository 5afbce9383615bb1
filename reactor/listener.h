// Listener: a listening TCP socket that accepts connections in bounded batches and survives fd
// exhaustion without spinning.
#ifndef REACTOR_LISTENER_H_
#define REACTOR_LISTENER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "reactor/event_loop.h"
#include "reactor/server_stats.h"
#include "reactor/socket_address.h"

namespace reactor {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the kernel picks a free port; see Listener::address()
  int backlog = 511;
  bool reuse_port = false;  // SO_REUSEPORT, for N loops sharing one port
  // SO_KEEPALIVE with this idle time before the first probe (then probes a third of it apart,
  // three of them, as Redis's tcp-keepalive does): a peer that vanished without a FIN (power
  // loss, a dropped NAT entry) is found and its connection reaped. Zero or infinite: off.
  absl::Duration tcp_keepalive = absl::Seconds(300);
  // accept4 calls per turn; 0: as many as the backlog can hold. A busy server's listener gets a
  // turn only once per rotation of epoll's ready list (a wait hands out kMaxEventsPerWait events,
  // the listener among thousands of readable connections), so a small fixed batch throttles a
  // connect storm to a batch per rotation instead of protecting anyone. The backlog bounds one
  // turn's work all the same.
  int max_accepts_per_wakeup = 0;
  // How long accepting pauses when the process has no fd to spare even after the reserve trick.
  absl::Duration fd_exhaustion_backoff = absl::Milliseconds(100);
};

// Accepts connections on `loop` and hands each new socket (non-blocking, close-on-exec,
// TCP_NODELAY, SO_KEEPALIVE as configured) to the callback, which owns it from then on. The
// socket options are set once, on the listening socket: Linux copies them to every accepted
// socket (tests/reactor/listener_test checks it), which saves a setsockopt per connection.
//
// Running out of fds (EMFILE/ENFILE) is where naive loops spin: the pending connection keeps the
// listener readable, and every accept4 fails at once. This listener keeps one spare fd open; on
// EMFILE it closes the spare, accepts the pending connection and closes it (the client sees the
// refusal at once instead of hanging in the backlog), then takes the spare back. If even that
// fails, it stops watching the socket for `fd_exhaustion_backoff` and tries again.
class Listener : public EventHandler {
 public:
  using AcceptCallback = absl::AnyInvocable<void(int fd, const SocketAddress& peer)>;

  static absl::StatusOr<std::unique_ptr<Listener>> Create(EventLoop* loop,
                                                          const ListenerOptions& options,
                                                          AcceptCallback on_accept,
                                                          ListenerStats* stats = nullptr);
  ~Listener();

  // The bound address, with the real port when the options asked for port 0.
  const SocketAddress& address() const { return address_; }
  // Where it counts: the `stats` given to Create, or its own.
  const ListenerStats& stats() const { return *stats_; }
  // The listening socket, or -1 once closed.
  int fd() const { return fd_; }

  // Stops accepting and closes the socket; pending connections in the backlog are reset.
  void Close();
  bool closed() const { return fd_ < 0; }

  void OnEvents(uint32_t events) override;

 private:
  Listener(EventLoop* loop, const ListenerOptions& options, int fd, AcceptCallback on_accept,
           ListenerStats* stats);
  // Handles EMFILE/ENFILE/ENOBUFS/ENOMEM by refusing one pending connection. Returns true to go
  // on accepting in this wakeup, false when the backlog is empty or accepting was paused.
  bool RecoverFromFdExhaustion();
  void PauseAccepting();

  EventLoop* const loop_;
  const ListenerOptions options_;
  int fd_;
  int spare_fd_;
  SocketAddress address_;
  AcceptCallback on_accept_;
  TimerId resume_timer_ = 0;
  ListenerStats own_stats_;
  ListenerStats* const stats_;
};

}  // namespace reactor

#endif  // REACTOR_LISTENER_H_
