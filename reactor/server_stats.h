// ServerStats: the counters a server keeps per loop, and the one table that names them. INFO, the
// stats line, /metrics, the exit summary and the sums over loops all walk that table, so a
// counter added here appears everywhere at once.
#ifndef REACTOR_SERVER_STATS_H_
#define REACTOR_SERVER_STATS_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "absl/types/span.h"
#include "reactor/counter.h"
#include "reactor/histogram.h"

namespace reactor {

// Kept by a Listener (in its TcpServer's ServerStats when it has one).
struct ListenerStats {
  Counter accepted;
  Counter dropped_for_fds;  // accepted and closed at once because fds ran out (EMFILE)
  Counter accept_errors;    // ECONNABORTED, EPERM and the like: the peer's problem
  Counter pauses;           // times accepting was paused for fd_exhaustion_backoff
};

// Loop iteration time, nanoseconds: from 5 us (one small request) to 1 s (a stalled loop).
inline constexpr uint64_t kIterationBoundsNanos[] = {
    5'000,      10'000,      25'000,      50'000,      100'000,      250'000,
    500'000,    1'000'000,   2'500'000,   5'000'000,   10'000'000,   25'000'000,
    50'000'000, 100'000'000, 250'000'000, 500'000'000, 1'000'000'000};
// Requests completed in one wakeup: 0 (a timer, a new connection) up to a full batch of
// pipelined requests on every ready connection.
inline constexpr uint64_t kRequestsPerWakeupBounds[] = {0,  1,   2,   4,   8,    16,   32,
                                                        64, 128, 256, 512, 1024, 4096, 16384};

// One loop's counters. Written only on that loop's thread (see Counter), read from any.
struct ServerStats {
  int64_t start_nanos = 0;       // MonotonicNanos() when the server started
  Counter connections_accepted;  // every connection given a session
  Counter connections_rejected;  // refused by max_connections
  Counter connections_current;
  Counter connections_closed_by_peer;
  Counter connections_reset_by_peer;  // ECONNRESET, EPIPE: e.g. closed with requests in flight
  Counter connections_lost_to_network_timeout;  // the kernel gave up on the peer (ETIMEDOUT)
  Counter connections_closed_on_error;          // any other socket error
  Counter connections_closed_by_protocol;       // QUIT, a protocol error, Connection: close
  Counter connections_closed_at_shutdown;
  Counter connections_timed_out;  // by our own timeouts: idle, request, keep-alive, send
  Counter timed_out_idle;         // no traffic for idle_timeout
  Counter timed_out_request;      // a request still incomplete after request_timeout
  Counter timed_out_keepalive;    // no new request within keepalive_timeout
  Counter timed_out_send;         // output stuck for send_timeout
  Counter bytes_in;
  Counter bytes_out;
  Counter read_pauses;            // times reading stopped because output passed the high-water mark
  Counter requests_processed;     // counted by sessions that count requests
  Counter protocol_errors;        // requests a session could not parse (answered with an error)
  Counter output_buffered_bytes;  // replies waiting in connections' own buffers for the socket
  Counter input_buffered_bytes;   // incomplete requests waiting in connections' own buffers
  ListenerStats listener;
  // The loop's health, recorded once per wakeup (see LoopHealthRecorder).
  Counter loop_wakeups;
  Counter loop_events;  // readiness events dispatched
  Histogram loop_iteration_nanos{kIterationBoundsNanos};
  Histogram loop_requests_per_wakeup{kRequestsPerWakeupBounds};
  // For the stats line only: a maximum is not a sum, and taking it resets it.
  MaxSinceTaken loop_longest_iteration_nanos;

  // Adds every counter of `other` (another loop's) to this snapshot.
  void Add(const ServerStats& other);
};

enum class StatKind { kCounter, kGauge };

// One counter in the table below, named as Prometheus would name it.
struct StatField {
  // The metric family: counters end in _total, as Prometheus expects.
  std::string_view family;
  // A fixed label of the family ("reason"), and this field's value of it ("peer"); empty if the
  // family has one field.
  std::string_view label;
  std::string_view label_value;
  // Labelled with the server's protocol ("resp") by printers that know it.
  bool per_protocol;
  StatKind kind;
  std::string_view help;
  const Counter& (*get)(const ServerStats&);
};

// Every counter of ServerStats, in the order printers show them. Families are contiguous.
absl::Span<const StatField> StatFields();

// A histogram of ServerStats and how to present it: `scale` turns the recorded unit into the
// exported one (nanoseconds to seconds).
struct HistogramField {
  std::string_view family;
  std::string_view help;
  double scale;
  const Histogram& (*get)(const ServerStats&);
};

absl::Span<const HistogramField> HistogramFields();

// The whole server's counters, summed over its loops at the time of the call. Callable from
// any loop's thread.
using StatsSnapshot = std::function<ServerStats()>;

}  // namespace reactor

#endif  // REACTOR_SERVER_STATS_H_
