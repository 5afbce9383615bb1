// LoadGenerator: one thread's share of a load run: its own EventLoop and connections, connect
// pacing and reconnects, the closed-loop or fixed-rate schedule, timeouts and the stop condition.
#ifndef CLIENT_LOAD_GENERATOR_H_
#define CLIENT_LOAD_GENERATOR_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "client/client_connection.h"
#include "client/client_options.h"
#include "client/load_stats.h"
#include "client/progress_reporter.h"
#include "client/request_batch.h"
#include "client/response_verifier.h"
#include "reactor/event_loop.h"

namespace client {

// The part of the run one thread carries. Threads share nothing while running: each has its own
// loop, connections, codec and statistics, merged exactly afterwards.
struct ThreadShare {
  int thread = 0;               // this thread's number, 0 to --threads - 1
  std::vector<uint64_t> slots;  // global connection numbers (pick the source address and pattern)
  double rate = 0;              // requests/s for this thread; 0 = closed loop
  double connect_rate = 0;      // connects/s for this thread; 0 = unpaced
  uint64_t request_quota = 0;   // measured requests to send; 0 = run for the duration
  const std::atomic<bool>* stop = nullptr;  // set by another thread to end the run early
};

class LoadGenerator : public ConnectionHost {
 public:
  // `options`, `codec` and `progress` (may be null) must outlive the generator.
  LoadGenerator(const ClientOptions& options, const RequestCodec& codec, ThreadShare share,
                ProgressReporter* progress);
  ~LoadGenerator();

  // Runs the share to its end, on the calling thread. The result is then in `stats()`.
  absl::Status Run();

  LoadStats& stats() { return stats_; }

  // ConnectionHost.
  void OnConnected(ClientConnection* connection) override;
  void OnDisconnected(ClientConnection* connection, bool was_connected) override;
  bool TakeSendPermit(int64_t sent_nanos) override;
  void OnRequestsResolved() override;
  void WakeAt(ClientConnection* connection, int64_t intended_nanos) override;

 private:
  void StartConnects();
  void ConnectTick();
  // The first connect of the next connection in order (counted as initial).
  void FirstConnect();
  // A lost connection's booked reconnect (counted only if a connect starts).
  void Reconnect(ClientConnection* connection);
  // Fixed rate: queues and flushes what `connection` owes by `now`, and books its next wake-up.
  void SendDue(ClientConnection* connection, int64_t now);
  // Fixed rate: one one-shot timer, armed for the earliest booked wake-up: requests leave at
  // their intended time, not at the next tick of a periodic timer (whose lateness would count as
  // latency in the corrected histogram).
  void ArmRateTimer();
  void OnRateTimer();
  void SweepTimeouts();
  void SecondTick();
  // The age of the oldest request any connection owes an answer for (0 if none).
  int64_t OldestOwedAge(int64_t now) const;
  // Ends the measured run: stops sending, then drains and closes every connection (bounded by
  // --drain and --close_wait) before the loop ends.
  void Finish();
  void EndLoop();
  void CheckFinished();

  const ClientOptions& options_;
  const RequestCodec& codec_;
  ThreadShare share_;
  ProgressReporter* const progress_;
  std::unique_ptr<reactor::EventLoop> loop_;

  LoadStats stats_;
  IntervalCounters interval_;
  ClientContext context_;
  // Each distinct request, repeated for pipelined sends; the connections point into it.
  RequestBatches request_batches_{1, 0};
  std::vector<std::unique_ptr<ClientConnection>> connections_;

  int64_t start_nanos_ = 0;
  int64_t end_nanos_ = 0;   // when Finish() ended the measured run
  bool finishing_ = false;  // Finish() has run: draining and closing
  bool ending_ = false;     // the loop is told to stop
  // Connections still draining or closing, once Finish() has counted them.
  size_t ending_open_ = 0;
  bool ending_counted_ = false;
  size_t next_to_connect_ = 0;  // connection index of the next first connect
  uint64_t measured_sent_ = 0;  // for the --requests quota

  // Fixed rate: connections with a free pipeline slot, waiting for their next intended time, as
  // a min-heap of (time, connection index). A connection with no free slot is not in it: the
  // reply that frees one sends what is due. wake_at_[i] is the time of connection i's one valid
  // entry (INT64_MAX if none); entries that differ from it were superseded and are skipped.
  std::vector<std::pair<int64_t, size_t>> wakeups_;
  std::vector<int64_t> wake_at_;
  reactor::TimerId rate_timer_ = 0;
  int64_t rate_timer_deadline_ = 0;
  bool in_rate_timer_ = false;
  size_t connected_count_ = 0;
  size_t dead_count_ = 0;  // gave up (no --reconnect)
  int second_ = 0;
  uint64_t reported_errors_ = 0;
};

}  // namespace client

#endif  // CLIENT_LOAD_GENERATOR_H_
