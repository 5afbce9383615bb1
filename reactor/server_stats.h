// ServerStats: the counters a TcpServer keeps, read by protocols that report them (RESP INFO),
// by the server's exit summary, and across threads when several loops serve one port.
#ifndef REACTOR_SERVER_STATS_H_
#define REACTOR_SERVER_STATS_H_

#include <atomic>
#include <cstdint>
#include <functional>

namespace reactor {

// A counter with one writer (its loop's thread) and readers on any thread. With a single
// writer, an increment needs no locked instruction: a relaxed load and store compile to a plain
// add, so the hot path pays nothing, and other loops still read a value that is not torn.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter& other) : value_(other.value()) {}
  Counter& operator=(const Counter& other) { return *this = other.value(); }
  Counter& operator=(uint64_t value) {
    value_.store(value, std::memory_order_relaxed);
    return *this;
  }

  uint64_t value() const { return value_.load(std::memory_order_relaxed); }
  operator uint64_t() const { return value(); }  // NOLINT: reads like the number it holds

  // Writer's thread only.
  Counter& operator+=(uint64_t n) { return *this = value() + n; }
  Counter& operator++() { return *this += 1; }

 private:
  std::atomic<uint64_t> value_{0};
};

struct ServerStats {
  int64_t start_nanos = 0;       // MonotonicNanos() when the server started
  Counter connections_accepted;  // every connection given a session
  Counter connections_rejected;  // refused by max_connections
  Counter connections_current;
  Counter connections_closed_by_peer;
  Counter connections_reset_by_peer;  // ECONNRESET, EPIPE: e.g. closed with requests in flight
  Counter connections_lost_to_network_timeout;  // the kernel gave up on the peer (ETIMEDOUT)
  Counter connections_closed_on_error;          // any other socket error
  Counter connections_timed_out;  // by our own timeouts: idle, request, keep-alive, send
  Counter timed_out_idle;         // no traffic for idle_timeout
  Counter timed_out_request;      // a request still incomplete after request_timeout
  Counter timed_out_keepalive;    // no new request within keepalive_timeout
  Counter timed_out_send;         // output stuck for send_timeout
  Counter bytes_in;
  Counter bytes_out;
  Counter read_pauses;         // times reading stopped because output passed the high-water mark
  Counter requests_processed;  // counted by sessions that count requests (RESP commands)

  // Adds every counter of `other` (another loop's) to this snapshot.
  void Add(const ServerStats& other);
};

// The whole server's counters, summed over its loops at the time of the call. Callable from
// any loop's thread.
using StatsSnapshot = std::function<ServerStats()>;

}  // namespace reactor

#endif  // REACTOR_SERVER_STATS_H_
