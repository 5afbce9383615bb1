// ServerGroup: N independent TcpServers, each on its own loop and thread, sharing one port
// through SO_REUSEPORT, so the kernel spreads connections over them: one loop per core, and no
// lock on any request's path.
#ifndef REACTOR_SERVER_GROUP_H_
#define REACTOR_SERVER_GROUP_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reactor/event_loop.h"
#include "reactor/listener.h"
#include "reactor/loop_health.h"
#include "reactor/protocol.h"
#include "reactor/server_stats.h"
#include "reactor/socket_address.h"
#include "reactor/tcp_server.h"

namespace reactor {

// Runs one server per loop. Loop 0 runs on the thread that calls Run() and owns the signals;
// the others get a thread each. A loop's connections stay on it for their whole life, so the
// loops share nothing but the port.
//
//   auto group = ServerGroup::Create(4, options, [](ServerStats* loop, StatsSnapshot total) {
//     return std::make_unique<MyFactory>(loop, std::move(total));
//   });
//   printf("listening on %s\n", (*group)->address().ToString().c_str());
//   (*group)->Run({SIGINT, SIGTERM}, [](int signo) { /* log it */ });
class ServerGroup {
 public:
  // Makes one loop's protocol factory. `loop_stats` are that loop's counters (written on its
  // thread); `total` sums every loop's, for a protocol that reports the whole server (INFO).
  using FactoryMaker = absl::AnyInvocable<std::unique_ptr<ProtocolFactory>(ServerStats* loop_stats,
                                                                           StatsSnapshot total)>;

  // Creates the loops and binds every listener (port 0: the first picks the port, the others
  // join it). With more than one loop, SO_REUSEPORT is set whatever the options say, and
  // max_connections is one limit for the whole group.
  static absl::StatusOr<std::unique_ptr<ServerGroup>> Create(int loops, TcpServerOptions options,
                                                             FactoryMaker make_factory);
  ~ServerGroup();

  const SocketAddress& address() const { return members_.front()->server->address(); }
  int loops() const { return static_cast<int>(members_.size()); }
  // Loop `index` (0: the one Run() runs on the calling thread), for timers of the protocol's own
  // (e.g. the keyspace's active expiry). Before Run(), set them from the creating thread.
  EventLoop* loop(int index) const { return members_[index]->loop.get(); }

  // Serves until one of `stop_signals` arrives: the first shuts every server down gracefully
  // (see TcpServer::Shutdown) and Run returns when all have finished; a second one stops at
  // once. Which signals mean "stop" is the caller's choice (a binary's, usually SIGINT and
  // SIGTERM). `on_signal` runs on the calling thread when one arrives. If any loop fails, every
  // loop is stopped and Run returns that loop's error: no connection is left orphaned on a
  // loop that no longer runs. Call it once.
  absl::Status Run(std::initializer_list<int> stop_signals,
                   absl::AnyInvocable<void(int signo)> on_signal);

  // Counters summed over the loops; callable from any thread at any time (exact once Run() has
  // returned).
  ServerStats TotalStats() const;
  ListenerStats TotalListenerStats() const;
  // Each loop's counters, in loop order; callable from any thread.
  std::vector<ServerStats> LoopStats() const;
  // The longest iteration of any loop since the last call, in nanoseconds.
  uint64_t TakeLongestIterationNanos();

  // Loop 0, which runs on the thread that calls Run(): where process-wide work (a metrics
  // listener, a stats timer) belongs. Set it up before Run().
  EventLoop* main_loop() const { return members_.front()->loop.get(); }

 private:
  struct Member {
    std::unique_ptr<EventLoop> loop;
    ServerStats stats;
    std::unique_ptr<LoopHealthRecorder> health;
    std::unique_ptr<ProtocolFactory> factory;
    std::unique_ptr<TcpServer> server;
  };
  ServerGroup() = default;
  void ShutdownAll();

  std::vector<std::unique_ptr<Member>> members_;
  bool shutting_down_ = false;
};

}  // namespace reactor

#endif  // REACTOR_SERVER_GROUP_H_
