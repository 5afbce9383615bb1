// ServerStats: the counters a TcpServer keeps, read by protocols that report them (RESP INFO)
// and by the server's exit summary.
#ifndef REACTOR_SERVER_STATS_H_
#define REACTOR_SERVER_STATS_H_

#include <cstdint>

namespace reactor {

// Plain counters: one loop thread writes them, so no atomics are needed.
struct ServerStats {
  int64_t start_nanos = 0;            // MonotonicNanos() when the server started
  uint64_t connections_accepted = 0;  // every connection given a session
  uint64_t connections_rejected = 0;  // refused by max_connections
  uint64_t connections_current = 0;
  uint64_t connections_closed_by_peer = 0;
  uint64_t connections_closed_on_error = 0;  // ECONNRESET, EPIPE and other socket errors
  uint64_t connections_timed_out = 0;        // all of the three below
  uint64_t timed_out_idle = 0;               // no traffic for idle_timeout
  uint64_t timed_out_request = 0;            // a request still incomplete after request_timeout
  uint64_t timed_out_send = 0;               // output stuck for send_timeout
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t read_pauses = 0;  // times reading stopped because output passed the high-water mark
};

}  // namespace reactor

#endif  // REACTOR_SERVER_STATS_H_
