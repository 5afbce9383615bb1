// The fixed-rate schedule: requests leave at their intended times (the client's own timer adds
// nothing to corrected latency), and a connection's schedule starts when it connects, so the
// connect ramp is not counted as server latency.
#include <unistd.h>

#include <memory>
#include <string>

#include "client/load_run.h"
#include "gtest/gtest.h"
#include "tests/client/load_run_testing.h"
#include "tests/client/scripted_server.h"
#include "tests/client/test_server.h"

namespace client {
namespace {

using client_testing::LoopbackOptions;
using client_testing::RunChecked;

using client_testing::ScriptedServer;

ClientOptions RateOptions(uint16_t port, int connections, double rate) {
  ClientOptions o = LoopbackOptions(port, connections);
  o.rate = rate;
  o.duration = absl::Seconds(2);
  return o;
}

// An echo server that takes `delay` over each answer: one connection carries at most
// 1 / delay requests a second.
ScriptedServer::Script SlowEcho(absl::Duration delay) {
  return [delay](int fd, int) {
    while (true) {
      std::string in;
      if (!client_testing::ReadSome(fd, in, absl::Seconds(10))) return;
      absl::SleepFor(delay);
      if (!client_testing::WriteAll(fd, in)) return;
    }
  };
}

TEST(FixedRateTest, ConnectRampIsNotCountedAsLatency) {
  // 10 connections opened over 1 s; 200 requests/s in all, 20/s each; the server answers in
  // 20 ms, so each connection can carry 50/s. If the schedule ran from the start of the run
  // whatever the connections, the first connections would be asked for the whole 200/s and fall
  // behind by hundreds of milliseconds, all of it counted as latency.
  auto server = ScriptedServer::Start(SlowEcho(absl::Milliseconds(20)));
  ASSERT_TRUE(server.ok()) << server.status();
  ClientOptions o = RateOptions((*server)->port(), 10, 200);
  o.connect_rate = 10;
  const RunReport r = RunChecked(o);
  EXPECT_EQ(r.stats.ledger.connected, 10u);
  EXPECT_GT(r.stats.ledger.ok, 100u);
  EXPECT_GE(r.stats.corrected.ValueAtPercentile(50), 20'000'000) << r.FormatSummary();
  EXPECT_LT(r.stats.corrected.ValueAtPercentile(99), 100'000'000) << r.FormatSummary();
}

TEST(FixedRateTest, RequestsLeaveAtTheirIntendedTime) {
  // 700/s is not a whole number of any fixed tick: a schedule run by a periodic tick sends each
  // request up to a tick late, and that wait is counted in the corrected latency. Sent at its
  // time, a request's corrected latency is its uncorrected latency plus only the wake-up delay.
  auto server = client_testing::TestServer::Start({});
  ASSERT_TRUE(server.ok()) << server.status();
  const RunReport r = RunChecked(RateOptions((*server)->port(), 1, 700));
  ASSERT_GT(r.stats.ledger.ok, 1000u);
  const int64_t corrected = r.stats.corrected.ValueAtPercentile(50);
  const int64_t uncorrected = r.stats.uncorrected.ValueAtPercentile(50);
  EXPECT_LT(corrected - uncorrected, 200'000) << r.FormatSummary();
}

}  // namespace
}  // namespace client
