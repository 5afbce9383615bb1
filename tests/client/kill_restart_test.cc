// The server is killed (SIGKILL) in the middle of a fixed-rate run with --reconnect and started
// again on the same port: every connection is lost, reopened once the server is back, and the
// requests the outage owed stay owed: they are sent late on reconnect and their latency counts
// from their intended time.
#include <csignal>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/load_run.h"
#include "gtest/gtest.h"
#include "tests/client/load_run_testing.h"
#include "tests/support/subprocess.h"

namespace client {
namespace {

using reactor_testing::Subprocess;

constexpr int kConnections = 50;

// Starts //server on `port` (0: any) and returns it with the port it listens on.
std::unique_ptr<Subprocess> StartServer(uint16_t* port) {
  auto server = Subprocess::Start(reactor_testing::RunfilePath("server/server"),
                                  {absl::StrCat("--port=", *port), "--protocol=echo"});
  if (server == nullptr) return nullptr;
  const std::optional<std::string> line = server->ReadStdoutLine(absl::Seconds(20));
  const std::string prefix = "listening on 127.0.0.1:";
  if (!line.has_value() || line->rfind(prefix, 0) != 0) {
    ADD_FAILURE() << "server did not start: " << line.value_or("") << server->stderr_text();
    return nullptr;
  }
  int parsed = 0;
  EXPECT_TRUE(absl::SimpleAtoi(line->substr(prefix.size()), &parsed)) << *line;
  *port = static_cast<uint16_t>(parsed);
  return server;
}

TEST(KillRestartTest, OutageIsOwedAndEveryConnectionIsLostAndReopened) {
  uint16_t port = 0;
  std::unique_ptr<Subprocess> server = StartServer(&port);
  ASSERT_NE(server, nullptr);

  ClientOptions o = client_testing::LoopbackOptions(port, kConnections);
  o.rate = 500;
  o.reconnect = true;
  o.duration = absl::Seconds(3);
  o.reconnect_backoff_min = absl::Milliseconds(10);
  o.reconnect_backoff_max = absl::Milliseconds(100);
  // Kill at 1 s, start again at 1.6 s: the 0.6 s outage owes 300 requests.
  std::thread killer([&] {
    absl::SleepFor(absl::Seconds(1));
    server->Signal(SIGKILL);
    server->Wait(absl::Seconds(5));
    absl::SleepFor(absl::Milliseconds(600));
    server = StartServer(&port);
  });
  const RunReport r = client_testing::RunChecked(o);
  killer.join();
  ASSERT_NE(server, nullptr);
  const Ledger& l = r.stats.ledger;
  const std::string summary = r.FormatSummary();

  // Every connection was lost, and each loss ended a connection of its own: RunChecked saw the
  // ledger balance (connected = the ways a connection ends), so a wake-up booked before a loss
  // did not lose it a second time. A slot may still lose two: a dying process closes its
  // connections before its listener, so a reconnect made in between is accepted by the kernel
  // and then reset, a real connect and a real loss. Whatever it lost, every slot is open again
  // at the end.
  EXPECT_GE(l.closed_by_peer + l.reset_by_peer, uint64_t{kConnections}) << summary;
  EXPECT_EQ(l.closed_at_end + l.cut_at_end, uint64_t{kConnections}) << summary;
  // A reconnect is counted only where a connect starts.
  EXPECT_EQ(l.reconnects, l.attempted - kConnections) << summary;
  for (const auto& [detail, n] : r.stats.errors_by_detail) {
    EXPECT_EQ(detail.find("Invalid argument"), std::string::npos) << detail << "\n" << summary;
    EXPECT_EQ(detail.find("Bad file descriptor"), std::string::npos) << detail << "\n" << summary;
  }
  for (const SeriesPoint& p : r.series) {
    EXPECT_LE(p.open_connections, uint64_t{kConnections}) << "second " << p.second;
  }
  // The outage is owed: requests meant for it are sent after the reconnect, counted from their
  // intended time, so the worst corrected latency is at least most of the outage.
  EXPECT_GE(r.stats.corrected.max(), 400'000'000) << summary;
  EXPECT_GE(l.ok, 1300u) << summary;
}

}  // namespace
}  // namespace client
