// LoadGenerator: timers drive connects, the fixed-rate schedule, timeouts and the per-second
// report; replies drive the closed loop.
#include "client/load_generator.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>

#include "absl/time/time.h"

namespace client {
namespace {

// The most one pipelined send() takes from a request batch; a larger request goes one at a time.
constexpr size_t kMaxBatchBytes = 64 * 1024;

int64_t TimevalNanos(const timeval& tv) {
  return static_cast<int64_t>(tv.tv_sec) * 1'000'000'000 + tv.tv_usec * 1'000;
}

}  // namespace

LoadGenerator::LoadGenerator(const ClientOptions& options, const RequestCodec& codec,
                             ThreadShare share, ProgressReporter* progress)
    : options_(options), codec_(codec), share_(std::move(share)), progress_(progress) {}

LoadGenerator::~LoadGenerator() {
  // Connections deregister from the loop as they close, so they go first.
  connections_.clear();
}

absl::Status LoadGenerator::Run() {
  auto loop = reactor::EventLoop::Create();
  if (!loop.ok()) return loop.status();
  loop_ = std::move(*loop);

  rusage usage_start{};
  if (getrusage(RUSAGE_THREAD, &usage_start) < 0) {
    return absl::ErrnoToStatus(errno, "getrusage(RUSAGE_THREAD)");
  }
  start_nanos_ = reactor::MonotonicNanos();
  context_.loop = loop_.get();
  context_.options = &options_;
  context_.stats = &stats_;
  context_.interval = &interval_;
  context_.host = this;
  context_.warm_up = WarmUp(start_nanos_, options_.warmup);
  context_.timeout_nanos = absl::ToInt64Nanoseconds(options_.timeout);
  context_.connect_timeout_nanos = absl::ToInt64Nanoseconds(options_.connect_timeout);

  // The closed loop keeps --pipeline requests in flight per connection; a fixed rate is an open
  // loop, whose requests go when they are due whatever is in flight, up to --max_in_flight.
  context_.max_in_flight =
      static_cast<size_t>(share_.rate > 0 ? options_.max_in_flight : options_.pipeline);
  request_batches_ = RequestBatches(context_.max_in_flight, kMaxBatchBytes);
  connections_.reserve(share_.slots.size());
  if (share_.rate > 0) {
    context_.rate_origin_nanos = start_nanos_;
    context_.rate_interval_nanos = 1e9 / share_.rate;
    context_.rate_stride = share_.slots.size();
    wake_at_.assign(share_.slots.size(), std::numeric_limits<int64_t>::max());
    wakeups_.reserve(share_.slots.size());
    // Timed sleeps of a normal thread end up to 50 us late (the default timer slack), and a
    // request sent late is counted late. 1 ns: wake at the intended time.
    if (prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) < 0) {
      return absl::ErrnoToStatus(errno, "prctl(PR_SET_TIMERSLACK)");
    }
  }
  for (uint64_t slot : share_.slots) {
    const reactor::SocketAddress* source =
        options_.source_addresses.empty()
            ? nullptr
            : &options_.source_addresses[slot % options_.source_addresses.size()];
    const std::string_view request = codec_.RequestFor(slot);
    connections_.push_back(std::make_unique<ClientConnection>(&context_, connections_.size(), slot,
                                                              request_batches_.For(request),
                                                              codec_.NewVerifier(request), source));
  }

  // The sweep bounds how late a timeout is noticed, and how soon a stop request is.
  const int64_t sweep_nanos =
      std::clamp<int64_t>(std::min(context_.timeout_nanos, context_.connect_timeout_nanos) / 20,
                          1'000'000, 100'000'000);
  loop_->RunEvery(absl::Nanoseconds(sweep_nanos), [this] { SweepTimeouts(); });
  loop_->RunEvery(absl::Seconds(1), [this] { SecondTick(); });
  if (options_.requests == 0) {
    loop_->RunAfter(options_.warmup + options_.duration, [this] { Finish(); });
  }
  StartConnects();

  absl::Status status = ending_ ? absl::OkStatus() : loop_->Run();
  if (!finishing_) Finish();  // the loop failed: still account for every connection
  // Whatever the close deadline left open.
  for (auto& connection : connections_) connection->CloseAtEnd();
  const int64_t end_nanos = end_nanos_;
  if (progress_ != nullptr) {
    // The last, partial second (the drain's answers included), if it holds anything.
    const double span = (end_nanos - start_nanos_ - second_ * int64_t{1'000'000'000}) / 1e9;
    if (interval_.responses > 0 || interval_.errors > 0 || span >= 0.05) {
      SecondReport last;
      last.second = second_ + 1;
      last.span_seconds = std::clamp(span, 0.0, 1.0);
      last.responses = interval_.responses;
      last.errors = interval_.errors;
      last.open_connections = stats_.open_at_end;
      last.measured_answered = stats_.measured_responses;
      last.latency = &interval_.latency;
      progress_->Report(share_.thread, last);
    }
    progress_->ThreadDone(share_.thread);
  }
  stats_.measured_nanos = std::max<int64_t>(0, end_nanos - context_.warm_up.end_nanos());
  if (share_.rate > 0) {
    stats_.target_rate = share_.rate;
  } else {
    // A closed loop sends each request when it is meant to go, so its corrected and uncorrected
    // latencies are one and the same: only the corrected one was recorded, reply by reply.
    // Writers and merges still find both (a merge may meet a fixed-rate run).
    stats_.uncorrected = stats_.corrected;
  }

  rusage usage_end{};
  if (getrusage(RUSAGE_THREAD, &usage_end) < 0) {
    return absl::ErrnoToStatus(errno, "getrusage(RUSAGE_THREAD)");
  }
  ThreadCpu cpu;
  cpu.user_nanos = TimevalNanos(usage_end.ru_utime) - TimevalNanos(usage_start.ru_utime);
  cpu.system_nanos = TimevalNanos(usage_end.ru_stime) - TimevalNanos(usage_start.ru_stime);
  cpu.wall_nanos = reactor::MonotonicNanos() - start_nanos_;
  stats_.cpu.push_back(cpu);
  return status;
}

void LoadGenerator::StartConnects() {
  if (share_.connect_rate <= 0) {
    while (next_to_connect_ < connections_.size() && !finishing_) FirstConnect();
    return;
  }
  // Paced: a 1 ms tick (or one per connect, if slower) opens whatever the rate allows by now.
  const int64_t interval = static_cast<int64_t>(1e9 / share_.connect_rate);
  loop_->RunEvery(absl::Nanoseconds(std::max<int64_t>(interval, 1'000'000)),
                  [this] { ConnectTick(); });
  ConnectTick();
}

void LoadGenerator::ConnectTick() {
  const double elapsed_seconds = (reactor::MonotonicNanos() - start_nanos_) / 1e9;
  const size_t due = std::min<size_t>(
      connections_.size(), static_cast<size_t>(elapsed_seconds * share_.connect_rate) + 1);
  while (next_to_connect_ < due && !finishing_) FirstConnect();
}

void LoadGenerator::FirstConnect() {
  ClientConnection* connection = connections_[next_to_connect_++].get();
  if (connection->Connect()) ++stats_.ledger.initial_connects;
}

void LoadGenerator::Reconnect(ClientConnection* connection) {
  // Booked when the connection was lost; by now the run may be ending. Connect() refuses any
  // state but kClosed, so a reconnect is counted only where a connect really starts.
  if (finishing_) return;
  if (connection->Connect()) ++stats_.ledger.reconnects;
}

void LoadGenerator::SendDue(ClientConnection* connection, int64_t now) {
  // A wake-up booked before the connection was lost (or while it reconnects) finds it gone:
  // its owed requests wait for the reconnect, which sends them at once.
  if (connection->state() != ClientConnection::State::kConnected) return;
  const int64_t wake = connection->QueueDue(now);
  if (!connection->Flush()) return;  // lost
  if (wake != 0) WakeAt(connection, wake);
}

void LoadGenerator::WakeAt(ClientConnection* connection, int64_t intended_nanos) {
  int64_t& booked = wake_at_[connection->index()];
  if (intended_nanos >= booked) return;  // an earlier wake-up is booked; it books the next
  booked = intended_nanos;
  wakeups_.emplace_back(intended_nanos, connection->index());
  std::push_heap(wakeups_.begin(), wakeups_.end(), std::greater<>());
  ArmRateTimer();
}

void LoadGenerator::ArmRateTimer() {
  if (in_rate_timer_ || finishing_ || wakeups_.empty()) return;
  const int64_t next = wakeups_.front().first;
  if (rate_timer_ != 0) {
    if (next >= rate_timer_deadline_) return;
    loop_->Cancel(rate_timer_);
  }
  rate_timer_deadline_ = next;
  rate_timer_ = loop_->RunAfter(absl::Nanoseconds(next - reactor::MonotonicNanos()),
                                [this] { OnRateTimer(); });
}

void LoadGenerator::OnRateTimer() {
  rate_timer_ = 0;
  if (finishing_) return;
  in_rate_timer_ = true;
  const int64_t now = reactor::MonotonicNanos();
  while (!wakeups_.empty() && wakeups_.front().first <= now && !finishing_) {
    std::pop_heap(wakeups_.begin(), wakeups_.end(), std::greater<>());
    const auto [intended, index] = wakeups_.back();
    wakeups_.pop_back();
    if (wake_at_[index] != intended) continue;  // superseded by an earlier booking
    wake_at_[index] = std::numeric_limits<int64_t>::max();
    // Books the connection's next wake-up, later than `now`: the loop ends.
    SendDue(connections_[index].get(), now);
  }
  in_rate_timer_ = false;
  ArmRateTimer();
}

void LoadGenerator::SweepTimeouts() {
  if (share_.stop != nullptr && share_.stop->load(std::memory_order_relaxed)) {
    Finish();
    return;
  }
  const int64_t now = reactor::MonotonicNanos();
  for (auto& connection : connections_) connection->CheckTimeouts(now);
}

void LoadGenerator::SecondTick() {
  if (finishing_) return;  // the last, partial second is reported after the run
  ++second_;
  if (progress_ != nullptr) {
    SecondReport report;
    report.second = second_;
    report.responses = interval_.responses;
    report.errors = interval_.errors;
    report.open_connections = connected_count_;
    report.oldest_owed_nanos = OldestOwedAge(reactor::MonotonicNanos());
    report.measured_answered = stats_.measured_responses;
    report.latency = &interval_.latency;
    progress_->Report(share_.thread, report);
  }
  interval_.responses = 0;
  interval_.errors = 0;
  interval_.latency.Reset();
}

int64_t LoadGenerator::OldestOwedAge(int64_t now) const {
  int64_t oldest = std::numeric_limits<int64_t>::max();
  for (const auto& connection : connections_) {
    oldest = std::min(oldest, connection->OldestOwedNanos(now));
  }
  return oldest == std::numeric_limits<int64_t>::max() ? 0 : now - oldest;
}

void LoadGenerator::OnConnected(ClientConnection* connection) {
  ++connected_count_;
  const int64_t now = reactor::MonotonicNanos();
  if (share_.rate > 0) {
    // The schedule, not the connection, decides when to send: usually not yet.
    SendDue(connection, now);
    return;
  }
  for (int i = 0; i < options_.pipeline; ++i) {
    if (!TakeSendPermit(now)) break;
    connection->QueueRequest(now, now);
  }
  connection->Flush();
}

void LoadGenerator::OnDisconnected(ClientConnection* connection, bool was_connected) {
  if (was_connected) --connected_count_;
  // Its booked wake-up, if any, is void: the heap entry no longer matches.
  if (!wake_at_.empty()) wake_at_[connection->index()] = std::numeric_limits<int64_t>::max();
  if (finishing_) {
    if (ending_counted_ && --ending_open_ == 0) EndLoop();
    return;
  }
  if (connection->closed_politely()) {
    // Not a failure: reopen at once, but outside the connection's own handler.
    loop_->Defer([this, connection] { Reconnect(connection); });
    return;
  }
  if (options_.reconnect) {
    // Bounded exponential backoff: a server that refuses is not hammered in a tight loop (wrk's
    // failure mode), and a server that recovers is back in use within the cap.
    const int failures = std::min(connection->consecutive_failures(), 30);
    const absl::Duration backoff =
        std::min(options_.reconnect_backoff_max,
                 options_.reconnect_backoff_min * (1 << std::min(failures, 20)));
    loop_->RunAfter(backoff, [this, connection] { Reconnect(connection); });
    return;
  }
  ++dead_count_;
  if (dead_count_ == connections_.size()) Finish();  // nothing left to measure
}

bool LoadGenerator::TakeSendPermit(int64_t sent_nanos) {
  if (finishing_) return false;
  if (share_.request_quota > 0 && context_.warm_up.Measures(sent_nanos)) {
    if (measured_sent_ >= share_.request_quota) return false;
    ++measured_sent_;
  }
  return true;
}

void LoadGenerator::OnRequestsResolved() { CheckFinished(); }

void LoadGenerator::CheckFinished() {
  if (share_.request_quota == 0 || measured_sent_ < share_.request_quota) return;
  const Ledger& l = stats_.ledger;
  if (l.sent == l.ok + l.error_replies + l.mismatched + l.reset + l.eof + l.timed_out) Finish();
}

void LoadGenerator::Finish() {
  if (finishing_) return;
  end_nanos_ = reactor::MonotonicNanos();
  if (share_.rate > 0) {
    // What is due by the end goes now: a wake-up a few microseconds late must not leave a
    // request owed that was meant for the last instant of the run.
    for (auto& connection : connections_) SendDue(connection.get(), end_nanos_);
  }
  finishing_ = true;
  if (rate_timer_ != 0) {
    loop_->Cancel(rate_timer_);
    rate_timer_ = 0;
  }
  // Nothing new is sent from here. Replies in flight are waited for (--drain), then each
  // connection shuts down its sending side and reads to the server's EOF (--close_wait): FIN on
  // both sides, never a reset because of bytes left unread.
  for (auto& connection : connections_) connection->BeginEnd(end_nanos_);
  ending_open_ = 0;
  for (auto& connection : connections_) {
    const ClientConnection::State state = connection->state();
    if (state == ClientConnection::State::kDraining || state == ClientConnection::State::kClosing) {
      ++ending_open_;
    }
  }
  ending_counted_ = true;
  if (ending_open_ == 0) {
    EndLoop();
    return;
  }
  const absl::Duration drain = std::min(options_.drain, options_.timeout);
  loop_->RunAfter(drain, [this] {
    for (auto& connection : connections_) connection->EndDrain();
    loop_->RunAfter(options_.close_wait, [this] { EndLoop(); });
  });
}

void LoadGenerator::EndLoop() {
  if (ending_) return;
  ending_ = true;
  loop_->Stop();
}

}  // namespace client
