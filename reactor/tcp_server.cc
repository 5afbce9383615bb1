// TcpServer: admission, the fd-indexed connection table, the idle sweep and graceful shutdown.
#include "reactor/tcp_server.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "logging/rate_limited_log.h"

namespace reactor {

TcpServer::TcpServer(EventLoop* loop, const TcpServerOptions& options, ProtocolFactory* factory,
                     ServerStats* stats)
    : loop_(loop),
      options_(options),
      factory_(factory),
      stats_(stats != nullptr ? stats : &own_stats_),
      deadlines_(options.idle_timeout, options.request_timeout, options.keepalive_timeout,
                 options.send_timeout) {
  context_.loop = loop;
  context_.options = options.connection;
  context_.stats = stats_;
  context_.deadlines = &deadlines_;
  refusal_context_.loop = loop;
  refusal_context_.options = options.connection;
  refusal_context_.stats = &refusal_stats_;
}

TcpServer::~TcpServer() {
  if (sweep_timer_ != 0) loop_->Cancel(sweep_timer_);
  if (drain_deadline_timer_ != 0) loop_->Cancel(drain_deadline_timer_);
  // Connections close their fds in their destructors; no observer calls from here on.
  connections_.clear();
  refusals_.clear();
  if (options_.shared_connection_count != nullptr) {
    options_.shared_connection_count->fetch_sub(connection_count_);
  }
}

absl::Status TcpServer::Start() {
  absl::StatusOr<std::unique_ptr<Listener>> listener = Listener::Create(
      loop_, options_.listener, [this](int fd, const SocketAddress& peer) { OnAccept(fd, peer); },
      &stats_->listener);
  if (!listener.ok()) return listener.status();
  listener_ = std::move(*listener);
  stats_->start_nanos = MonotonicNanos();
  absl::Duration shortest = absl::InfiniteDuration();
  for (absl::Duration timeout : {options_.idle_timeout, options_.request_timeout,
                                 options_.keepalive_timeout, options_.send_timeout}) {
    if (timeout > absl::ZeroDuration()) shortest = std::min(shortest, timeout);
  }
  if (shortest != absl::InfiniteDuration()) {
    // One tick for all connections, instead of a timer each: a connection moves its deadline
    // in O(1) without touching the loop's timers, and a tick looks only at what has expired.
    // A tenth of the shortest timeout: a deadline is kept to within 10%.
    const absl::Duration period =
        std::min(absl::Seconds(1), std::max(absl::Milliseconds(10), shortest / 10));
    sweep_timer_ = loop_->RunEvery(period, [this] { ExpireConnections(); });
  }
  return absl::OkStatus();
}

void TcpServer::OnAccept(int fd, const SocketAddress& peer) {
  if (!Admit()) {
    Refuse(fd, peer);
    return;
  }
  if (static_cast<size_t>(fd) >= connections_.size()) {
    connections_.resize(std::max<size_t>(fd + 1, connections_.size() * 2));
  }
  ConnectionObserver* observer = this;
  auto connection = std::make_unique<Connection>(&context_, fd, factory_->NewSession(), observer);
  if (!connection->Start().ok()) {  // epoll_ctl failed (ENOMEM); Start closed the fd
    ++stats_->connections_closed_on_error;
    Release();
    return;
  }
  connections_[fd] = std::move(connection);
  ++connection_count_;
  ++stats_->connections_accepted;
  stats_->connections_current = connection_count_;
}

bool TcpServer::Admit() {
  if (options_.shared_connection_count == nullptr) {
    return connection_count_ < options_.max_connections;
  }
  // Taken first and given back if over: two loops admitting at once can never both squeeze in.
  if (options_.shared_connection_count->fetch_add(1) < options_.max_connections) return true;
  options_.shared_connection_count->fetch_sub(1);
  return false;
}

void TcpServer::Release() {
  if (options_.shared_connection_count != nullptr) options_.shared_connection_count->fetch_sub(1);
}

void TcpServer::Refuse(int fd, const SocketAddress& peer) {
  // Counted first, so that anyone told "full" finds the refusal already counted.
  ++stats_->connections_rejected;
  static logging::RateLimitedLog refusals(logging::Level::kWarning,
                                          "connections refused at max_connections");
  refusals.Log([&] {
    return absl::StrCat("refused a connection from ", peer.ToString(), ": max_connections (",
                        options_.max_connections, ") reached");
  });
  // Refused before a session is made, in the protocol's own words so the client can tell
  // "full" from "broken". One non-blocking send: a fresh socket's buffer always has room.
  const std::string_view message = factory_->RejectionMessage();
  int unread = 0;
  // A client that has sent nothing yet gets a plain close, which is a clean FIN; one that has
  // (redis-cli sends at once) would get an RST from close(), and an RST can destroy the
  // refusal before it is read. Those linger like any graceful close, within a bound: a flood
  // of them must not take the fds that max_connections keeps in reserve.
  constexpr size_t kMaxLingeringRefusals = 16;
  if (message.empty() || ioctl(fd, FIONREAD, &unread) < 0 || unread == 0 ||
      refusals_.size() >= kMaxLingeringRefusals) {
    if (!message.empty()) {
      (void)send(fd, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    close(fd);
    return;
  }
  ConnectionObserver* observer = this;
  auto refusal = std::make_unique<Connection>(&refusal_context_, fd, nullptr, observer);
  Connection* raw = refusal.get();
  if (!raw->StartRefusal(message).ok()) return;  // epoll_ctl failed; the fd is closed
  if (!raw->closed()) refusals_.emplace(raw, std::move(refusal));
}

void TcpServer::OnConnectionClosed(Connection* connection, int closed_fd, CloseReason reason) {
  if (auto refusal = refusals_.find(connection); refusal != refusals_.end()) {
    loop_->Defer([dead = std::move(refusal->second)] {});
    refusals_.erase(refusal);
    return;
  }
  // Closed inside StartRefusal, before it was stored: the caller frees it.
  if (static_cast<size_t>(closed_fd) >= connections_.size()) return;
  std::unique_ptr<Connection>& slot = connections_[closed_fd];
  if (slot.get() != connection) return;
  // The handler that closed it may still be on the stack: free it after this batch. The slot is
  // free now, so a new connection given the same fd number in this batch is stored correctly.
  loop_->Defer([dead = std::move(slot)] {});
  --connection_count_;
  stats_->connections_current = connection_count_;
  Release();
  FinishShutdownIfDone();
}

void TcpServer::ExpireConnections() {
  const int64_t now = loop_->now_nanos();
  // One rate-limited log per kind: a tick may close thousands at once.
  static logging::RateLimitedLog idle_log(logging::Level::kInfo, "idle timeouts");
  static logging::RateLimitedLog request_log(logging::Level::kInfo, "request timeouts");
  static logging::RateLimitedLog keepalive_log(logging::Level::kInfo, "keep-alive timeouts");
  static logging::RateLimitedLog send_log(logging::Level::kInfo, "send timeouts");
  struct Kind {
    DeadlineList<Connection>* list;
    Counter* counter;
    logging::RateLimitedLog* log;
    const absl::Duration* timeout;
    const char* what;
    const char* flag;
  };
  // Closing a connection takes it out of every list, so each is counted under one timeout.
  const Kind kinds[] = {
      {&deadlines_.idle, &stats_->timed_out_idle, &idle_log, &options_.idle_timeout,
       "idle for more than", "idle_timeout"},
      {&deadlines_.request, &stats_->timed_out_request, &request_log, &options_.request_timeout,
       "whose request was incomplete after", "request_timeout"},
      {&deadlines_.keepalive, &stats_->timed_out_keepalive, &keepalive_log,
       &options_.keepalive_timeout, "idle between requests for", "keepalive_timeout"},
      {&deadlines_.send, &stats_->timed_out_send, &send_log, &options_.send_timeout,
       "whose output made no progress for", "send_timeout"},
  };
  for (auto [list, counter, log, timeout, what, flag] : kinds) {
    const bool send_kind = list == &deadlines_.send;
    list->ExpireUntil(now, [&](Connection* connection) {
      if (send_kind) {
        if (connection->RestartSendClockIfPeerIsReading()) return;
        ++*counter;
        log->Log([&] {
          return absl::StrCat("closed a connection ", what, " ", absl::FormatDuration(*timeout),
                              " (", flag, ")");
        });
        // Its FIN would wait behind what the kernel still holds for a peer that does not read.
        connection->Abort(CloseReason::kTimeout);
        return;
      }
      ++*counter;
      log->Log([&] {
        return absl::StrCat("closed a connection ", what, " ", absl::FormatDuration(*timeout), " (",
                            flag, ")");
      });
      connection->Close(CloseReason::kTimeout);
    });
  }
}

size_t TcpServer::buffered_bytes() const {
  size_t total = 0;
  for (const auto& connection : connections_) {
    if (connection != nullptr) total += connection->buffer_capacity();
  }
  return total;
}

void TcpServer::Shutdown(absl::AnyInvocable<void()> done) {
  if (shutting_down_) return;
  shutting_down_ = true;
  shutdown_done_ = std::move(done);
  if (listener_ != nullptr) listener_->Close();
  if (sweep_timer_ != 0) loop_->Cancel(sweep_timer_);
  sweep_timer_ = 0;
  // Armed before draining: when Drain() closes the last connection, FinishShutdownIfDone()
  // cancels it. Armed after, it would outlive a shutdown that finished inside the loop below.
  drain_deadline_timer_ = loop_->RunAfter(options_.drain_timeout, [this] {
    drain_deadline_timer_ = 0;
    for (auto& connection : connections_) {
      if (connection != nullptr) connection->Close(CloseReason::kServerClosing);
    }
  });
  // Drain() may close a connection, which clears its slot: walk a snapshot of the live ones.
  std::vector<Connection*> live;
  live.reserve(connection_count_);
  for (auto& connection : connections_) {
    if (connection != nullptr) live.push_back(connection.get());
  }
  for (Connection* connection : live) connection->Drain();
  FinishShutdownIfDone();
}

void TcpServer::FinishShutdownIfDone() {
  if (!shutting_down_ || connection_count_ > 0 || !shutdown_done_) return;
  if (drain_deadline_timer_ != 0) loop_->Cancel(drain_deadline_timer_);
  drain_deadline_timer_ = 0;
  // Run `done` after the current batch: the caller may be a connection's handler.
  loop_->Defer(std::move(shutdown_done_));
  shutdown_done_ = nullptr;
}

}  // namespace reactor
