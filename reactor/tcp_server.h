// TcpServer: a listener plus the connections it accepted: admission (max connections), idle
// timeouts, and graceful shutdown. It knows protocols only through ProtocolFactory.
#ifndef REACTOR_TCP_SERVER_H_
#define REACTOR_TCP_SERVER_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "reactor/connection.h"
#include "reactor/event_loop.h"
#include "reactor/listener.h"
#include "reactor/protocol.h"
#include "reactor/server_stats.h"

namespace reactor {

struct TcpServerOptions {
  ListenerOptions listener;
  ConnectionOptions connection;
  // Connections beyond this are refused with the protocol's rejection message, before anything
  // is allocated for them.
  size_t max_connections = 10000;
  // When several servers share one limit (a ServerGroup's loops), the count they all admit
  // against; null: this server's own connections only.
  std::shared_ptr<std::atomic<size_t>> shared_connection_count;
  // A connection with no traffic either way for this long is closed. Zero or infinite: never
  // (as for every timeout here).
  absl::Duration idle_timeout = absl::ZeroDuration();
  // An incomplete request must be whole this long after it began, however its bytes trickle in:
  // a deadline that trickling cannot reset is what defeats slowloris. The first request's clock
  // starts at accept, so a connection that says nothing is closed too; each later one's when
  // the previous request completed with bytes of the next already here, or at its first byte.
  absl::Duration request_timeout = absl::ZeroDuration();
  // A connection with nothing owed and no request begun is closed this long after its last
  // request completed (HTTP keep-alive; Redis keeps idle clients for ever).
  absl::Duration keepalive_timeout = absl::ZeroDuration();
  // Output that makes no progress for this long (the peer stopped reading) closes the
  // connection, instead of holding its buffers for ever. Zero: never.
  absl::Duration send_timeout = absl::ZeroDuration();
  // How long a graceful shutdown waits for pending replies before closing what is left.
  absl::Duration drain_timeout = absl::Seconds(2);
};

// Serves one protocol on one listening socket, on one loop.
//
//   TcpServer server(loop, options, &factory);
//   RETURN_IF_ERROR(server.Start());
//   loop->HandleSignals({SIGINT, SIGTERM}, [&](int) { server.Shutdown([&] { loop->Stop(); }); });
//   loop->Run();
class TcpServer : private ConnectionObserver {
 public:
  // `stats` receives the server's counters; pass one when something else must read them from
  // the start (a RESP factory answering INFO). Null: the server keeps its own.
  TcpServer(EventLoop* loop, const TcpServerOptions& options, ProtocolFactory* factory,
            ServerStats* stats = nullptr);
  ~TcpServer();
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // Binds and starts accepting.
  absl::Status Start();

  // Graceful stop: closes the listener, closes idle connections, lets the others finish what
  // they owe (sessions are told, so HTTP can say `Connection: close`), force-closes whatever is
  // left after `drain_timeout`, then calls `done`. Calling it again does nothing.
  void Shutdown(absl::AnyInvocable<void()> done);

  // The bound address (with the real port when port 0 was asked for).
  const SocketAddress& address() const { return listener_->address(); }
  const ServerStats& stats() const { return *stats_; }
  const ListenerStats& listener_stats() const { return listener_->stats(); }
  size_t connection_count() const { return connection_count_; }
  // Bytes held by all connections' own buffers: what idle connections cost.
  size_t buffered_bytes() const;

 private:
  void OnAccept(int fd, const SocketAddress& peer);
  // Takes a place under max_connections; false if the server (or the group) is full.
  bool Admit();
  void Release();
  // Refuses a connection over max_connections in the factory's words, through a lingering close
  // when the client has sent something already (a plain close would reset the refusal away).
  void Refuse(int fd, const SocketAddress& peer);
  void OnConnectionClosed(Connection* connection, int closed_fd, CloseReason reason) override;
  // Closes the connections whose deadlines have passed: the cost is what expires.
  void ExpireConnections();
  void FinishShutdownIfDone();

  EventLoop* const loop_;
  const TcpServerOptions options_;
  ProtocolFactory* const factory_;
  ServerStats own_stats_;
  ServerStats* const stats_;
  // Before the connections, which keep their places in these lists until destroyed.
  ConnectionDeadlines deadlines_;
  ConnectionContext context_;
  // Refusals run no deadlines but the linger timeout, and count in connections_rejected only:
  // their closes and bytes go to counters nobody reads, so the server's closes never outnumber
  // its accepts.
  ServerStats refusal_stats_;
  ConnectionContext refusal_context_;
  std::unique_ptr<Listener> listener_;
  // Indexed by fd: O(1) lookup and no hashing; fds are small, dense integers.
  std::vector<std::unique_ptr<Connection>> connections_;
  size_t connection_count_ = 0;
  // Refused connections still delivering their refusal, outside max_connections (few, and
  // bounded by kMaxLingeringRefusals).
  absl::flat_hash_map<Connection*, std::unique_ptr<Connection>> refusals_;
  TimerId sweep_timer_ = 0;

  bool shutting_down_ = false;
  TimerId drain_deadline_timer_ = 0;
  absl::AnyInvocable<void()> shutdown_done_;
};

}  // namespace reactor

#endif  // REACTOR_TCP_SERVER_H_
