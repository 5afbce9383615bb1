// 19,000 concurrent connections from one client process against the project's server (hard fd
// limit here: 20,000 per process), opened unpaced, every one of them still exchanging verified
// echoes at the end.
#include <sys/resource.h>

#include <csignal>
#include <memory>
#include <string>

#include "client/load_run.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace client {
namespace {

constexpr int kConnections = 19000;

TEST(LargeConnectionsTest, NineteenThousandConnectionsAllVerified) {
  const uint64_t fd_limit = RaiseFdLimit();
  if (fd_limit < kConnections + 100) {
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << fd_limit << " is below " << kConnections + 100;
  }
  auto server = reactor_testing::Subprocess::Start(
      reactor_testing::RunfilePath("server/server"),
      {"--port=0", "--protocol=echo", "--max_connections=20000", "--backlog=8192"});
  ASSERT_NE(server, nullptr);
  const std::optional<std::string> line = server->ReadStdoutLine(absl::Seconds(20));
  ASSERT_TRUE(line.has_value()) << server->stderr_text();
  const std::string prefix = "listening on ";
  ASSERT_EQ(line->rfind(prefix, 0), 0u) << *line;
  auto target = reactor::SocketAddress::Parse(line->substr(prefix.size()));
  ASSERT_TRUE(target.ok()) << target.status();

  ClientOptions o;
  o.target = *target;
  o.connections = kConnections;
  o.threads = 2;
  // Unpaced, from no given source address: the client spreads a loopback target over
  // 127.0.0.x sources itself. From one source, the kernel's port search made 19,000 unpaced
  // connects take minutes (256 connected in 72 s on this machine, under load).
  // Connects the server's full accept queue dropped are retried by the kernel after 1, 3 and 7 s;
  // the warm-up leaves room for them on a loaded machine. Closed loop, every connection waits its
  // turn behind 18,999 others: under ASan on two busy cores a turn took several seconds (16,623 of
  // 19,000 verified after a 3 s window), so the measured window is long enough for a few turns.
  o.warmup = absl::Seconds(10);
  o.duration = absl::Seconds(10);
  o.connect_timeout = absl::Seconds(10);
  o.timeout = absl::Seconds(20);
  auto report = RunLoad(o, nullptr, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  const LoadStats& s = report->stats;
  EXPECT_TRUE(s.ledger.Balanced()) << s.ledger.Format();
  EXPECT_EQ(s.ledger.connected, static_cast<uint64_t>(kConnections)) << report->FormatSummary();
  EXPECT_EQ(s.ledger.connect_failed_total(), 0u) << report->FormatSummary();
  EXPECT_EQ(s.open_at_end, static_cast<uint64_t>(kConnections));
  EXPECT_EQ(s.open_verified_at_end, static_cast<uint64_t>(kConnections));
  EXPECT_EQ(s.ledger.mismatched, 0u);
  EXPECT_GT(s.measured_responses, static_cast<uint64_t>(kConnections));
  ASSERT_EQ(report->notes.size(), 1u) << report->FormatSummary();
  EXPECT_NE(report->notes[0].find("127.0.0.1-127.0.0.3 chosen automatically"), std::string::npos)
      << report->notes[0];
  EXPECT_EQ(report->config.at("source_addresses"), "3 (automatic)");
  // Every connection has a request in flight at the end; a loaded machine may leave some
  // unanswered after the drain, which is a failure by default but not this test's subject.
  RunReport judged = *report;
  judged.max_error_ratio = 1;
  EXPECT_EQ(judged.Evaluate().exit_code, kExitOk) << report->FormatSummary();

  ASSERT_TRUE(server->Signal(SIGTERM));
  const std::optional<int> status = server->Wait(absl::Seconds(20));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << server->stderr_text();
}

}  // namespace
}  // namespace client
