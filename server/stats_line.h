// StatsLine: the server's one-line-per-interval account on stderr (--stats_interval): open
// connections, rates, refusals, protocol errors, closes by cause and the event loop's health.
#ifndef SERVER_STATS_LINE_H_
#define SERVER_STATS_LINE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/time.h"
#include "reactor/event_loop.h"
#include "reactor/server_stats.h"

namespace server {

// The line for the interval from `before` to `now`, `seconds` long; `longest_iteration_nanos` is
// the longest loop iteration within it. Counts are the interval's (not since start), rates per
// second; the closes are listed by every reason the counter table knows.
//
//   stats: open 50, accepts/s 0, requests/s 151234, in 5.1 MB/s, out 1.1 MB/s, refused 0,
//   protocol errors 0, closed 0 (peer 0, reset 0, ...), wakeups/s 9021, events/wakeup 16.8,
//   longest iteration 0.41 ms
std::string FormatStatsLine(const reactor::ServerStats& before, const reactor::ServerStats& now,
                            double seconds, uint64_t longest_iteration_nanos);

// Writes FormatStatsLine to the log every `interval`, from a timer on `loop`. Printed whatever
// --log_level says: asking for the line is asking to see it.
class StatsLineReporter {
 public:
  // `total` sums every loop's counters; `take_longest` returns the longest iteration of any loop
  // since its last call and starts a new interval.
  StatsLineReporter(reactor::EventLoop* loop, absl::Duration interval,
                    std::function<reactor::ServerStats()> total,
                    std::function<uint64_t()> take_longest);
  ~StatsLineReporter();
  StatsLineReporter(const StatsLineReporter&) = delete;
  StatsLineReporter& operator=(const StatsLineReporter&) = delete;

 private:
  void Report();

  reactor::EventLoop* const loop_;
  const std::function<reactor::ServerStats()> total_;
  const std::function<uint64_t()> take_longest_;
  reactor::ServerStats previous_;
  int64_t previous_nanos_;
  reactor::TimerId timer_ = 0;
};

}  // namespace server

#endif  // SERVER_STATS_LINE_H_
