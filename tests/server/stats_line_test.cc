// Tests for FormatStatsLine: the interval's counts and per-second rates, every close reason of
// the counter table, and the loop's health.
#include "server/stats_line.h"

#include <string>

#include "gtest/gtest.h"

namespace server {
namespace {

using reactor::ServerStats;

TEST(StatsLineTest, ReportsTheIntervalNotTheTotals) {
  ServerStats before;
  before.requests_processed = 1000;
  before.connections_rejected = 10;
  before.loop_wakeups = 100;
  before.loop_events = 100;
  ServerStats now = before;
  now.connections_current = 50;
  now.connections_accepted = 60;
  now.requests_processed = 301000;  // 300,000 in 2 s
  now.bytes_in = 4'000'000;
  now.bytes_out = 2'000;
  now.connections_rejected = 17;     // 7 refused in the interval
  now.listener.dropped_for_fds = 3;  // and 3 for lack of fds
  now.protocol_errors = 2;
  now.connections_closed_by_peer = 8;
  now.connections_timed_out = 1;
  now.loop_wakeups = 20100;  // 20,000 in 2 s
  now.loop_events = 80100;   // 4 per wakeup
  EXPECT_EQ(FormatStatsLine(before, now, 2.0, 1'250'000),
            "stats: open 50, accepts/s 30, requests/s 150000, in 2.00 MB/s, out 1.00 kB/s, "
            "refused 10, protocol errors 2, closed 9 (peer 8, reset 0, network_timeout 0, error 0, "
            "protocol 0, timeout 1, shutdown 0), wakeups/s 10000, events/wakeup 4.0, longest "
            "iteration 1.25 ms");
}

TEST(StatsLineTest, AnIdleIntervalIsAllZeros) {
  ServerStats stats;
  const std::string line = FormatStatsLine(stats, stats, 1.0, 0);
  EXPECT_NE(line.find("requests/s 0,"), std::string::npos) << line;
  EXPECT_NE(line.find("events/wakeup 0.0,"), std::string::npos) << line;
}

}  // namespace
}  // namespace server
