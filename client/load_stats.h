// LoadStats: what one load thread measured (and, merged, what the whole run measured): ledger,
// latency histograms, byte counts, CPU time and error replies by message.
#ifndef CLIENT_LOAD_STATS_H_
#define CLIENT_LOAD_STATS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "client/latency_histogram.h"
#include "client/ledger.h"

namespace client {

struct ThreadCpu {
  int64_t user_nanos = 0;
  int64_t system_nanos = 0;
  int64_t wall_nanos = 0;
  // CPU over wall time: 1.0 is a whole core.
  double Utilisation() const {
    return wall_nanos <= 0 ? 0 : static_cast<double>(user_nanos + system_nanos) / wall_nanos;
  }
};

struct LoadStats {
  Ledger ledger;
  // From the intended send time (coordinated omission corrected) and from the actual send time.
  // In the closed loop they are the same clock and so the same histogram.
  LatencyHistogram corrected;
  LatencyHistogram uncorrected;
  LatencyHistogram connect;  // connect() to the first EPOLLOUT with SO_ERROR clear
  // Fixed rate: actual minus intended send time of each measured request: the client's own
  // lateness (a busy thread, a late timer), which the corrected latency includes.
  LatencyHistogram send_lag;
  // Requests that were never answered (timed out and never answered late, lost with their
  // connection, unanswered or unsent at the end) are in the corrected histogram as lower bounds
  // of their latency: the time from when they were meant to go to when the client stopped
  // waiting. Percentiles at or above the smallest bound may be bounds themselves ("≥").
  uint64_t lower_bounds = 0;
  int64_t lower_bound_min_nanos = INT64_MAX;

  // Within the measured window (after the warm-up). Responses include late ones (answers to
  // requests already counted as timed out): the latency histograms hold one value for each.
  uint64_t measured_responses = 0;
  uint64_t measured_sent = 0;  // requests that went out in the measured window
  double target_rate = 0;      // fixed rate: requests/s asked for (0: closed loop)
  // Fixed rate: times a connection had a request due but --max_in_flight in flight already.
  uint64_t in_flight_cap_hits = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  int64_t measured_nanos = 0;

  uint64_t open_at_end = 0;
  // Connections that never completed a connect in the whole run.
  uint64_t never_connected = 0;
  // Of those, connections that had at least one verified (ok) response.
  uint64_t open_verified_at_end = 0;
  std::vector<ThreadCpu> cpu;  // one per thread
  // Error replies and unparsable replies by what they said ("-ERR unknown command", "HTTP 5xx").
  // Transparent comparison: counting a message looks it up by view, without making a string.
  std::map<std::string, uint64_t, std::less<>> errors_by_detail;
  // Responses by HTTP status class: [1] counts 1xx ... [5] counts 5xx, [0] anything else. All
  // zero for other protocols. An array, not a map: it is counted per request.
  std::array<uint64_t, 6> status_classes{};
  // Limits that stopped connections, with how to raise them. Deduplicated.
  std::set<std::string> limit_notes;

  // Sums everything; the measured window is the longest of the inputs.
  void Merge(const LoadStats& other);
};

}  // namespace client

#endif  // CLIENT_LOAD_STATS_H_
