// End-to-end tests of the //server:server binary as a real process on an ephemeral loopback port,
// driven by an independent verifying client written here: the port announcement, 1,000 concurrent
// verified echo connections with no fd leaked, a 64 MiB echo through a slow reader, SIGTERM
// (exit 0 within the drain timeout, connections closed, summary) and bad flag values.
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/socket_util.h"
#include "tests/support/subprocess.h"

namespace {

using reactor_testing::ConnectLoopback;
using reactor_testing::CountOpenFds;
using reactor_testing::Pattern;
using reactor_testing::ReadExactly;
using reactor_testing::ReadToEof;
using reactor_testing::RunfilePath;
using reactor_testing::Subprocess;
using reactor_testing::WriteAll;

// A server process started with --port=0, and the port it announced.
struct RunningServer {
  std::unique_ptr<Subprocess> process;
  uint16_t port = 0;
};

RunningServer StartServer(std::vector<std::string> extra_flags = {},
                          std::vector<std::string> env = {}) {
  RunningServer server;
  std::vector<std::string> args = {"--port=0", "--protocol=echo"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  server.process = Subprocess::Start(RunfilePath("server/server"), args, env);
  if (server.process == nullptr) {
    ADD_FAILURE() << "cannot start server/server";
    return server;
  }
  const std::optional<std::string> line = server.process->ReadStdoutLine(absl::Seconds(10));
  if (!line.has_value()) {
    ADD_FAILURE() << "no 'listening on' line; stderr: " << server.process->stderr_text();
    return server;
  }
  std::smatch match;
  static const std::regex kListening(R"(^listening on 127\.0\.0\.1:([0-9]+)$)");
  if (!std::regex_match(*line, match, kListening)) {
    ADD_FAILURE() << "unexpected first line: '" << *line << "'";
    return server;
  }
  server.port = static_cast<uint16_t>(std::stoi(match[1].str()));
  return server;
}

// The server's default --drain_timeout: what it promises is to be gone once pending replies are
// delivered or this has passed. The tests' clients owe nothing, so it exits at once; the bound
// allows the drain in full plus a second for a process exit on a machine shared with builds.
constexpr absl::Duration kDrainTimeout = absl::Seconds(1);
const absl::Duration kExitBound = kDrainTimeout + absl::Seconds(1);

// Sends SIGTERM and expects exit 0 within kExitBound. Returns the process's stdout.
std::string StopWithSigterm(RunningServer& server) {
  EXPECT_TRUE(server.process->Signal(SIGTERM));
  const absl::Time start = absl::Now();
  // Waited for longer than the bound, so a slow exit is reported with how slow it was.
  const std::optional<int> status = server.process->Wait(absl::Seconds(10));
  EXPECT_TRUE(status.has_value()) << "still running 10 s after SIGTERM";
  if (!status.has_value()) return "";
  EXPECT_LT(absl::Now() - start, kExitBound);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "wait status " << *status << "; stderr: " << server.process->stderr_text();
  return server.process->stdout_text();
}

// Raises this process's soft fd limit to the hard limit (the test opens 1,000 client sockets).
void RaiseFdLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

// Polls the server's open-fd count until it equals `expected`; returns the last count.
int WaitForFdCount(pid_t pid, int expected, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  int count = CountOpenFds(pid);
  while (count != expected && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
    count = CountOpenFds(pid);
  }
  return count;
}

TEST(ServerProcessTest, PortZeroAnnouncesTheChosenPort) {
  RunningServer server = StartServer();
  ASSERT_NE(server.port, 0);
  const int fd = ConnectLoopback(server.port);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(WriteAll(fd, "hello", absl::Seconds(5)));
  EXPECT_EQ(ReadExactly(fd, 5, absl::Seconds(5)).data, "hello");
  close(fd);
  StopWithSigterm(server);
}

// 1,000 connections open at once, each echoing its own pseudo-random bytes for three rounds,
// verified byte for byte; then all closed, and the server's fd count returns to where it began.
TEST(ServerProcessTest, ThousandConcurrentConnectionsEchoVerifiedWithoutLeakingFds) {
  RaiseFdLimit();
  RunningServer server = StartServer();
  ASSERT_NE(server.port, 0);
  const pid_t pid = server.process->pid();
  // The baseline is taken once the server is fully up (its signalfd, for one, is opened after the
  // announcement): after a warm-up round trip, with the warm-up connection closed again.
  // The baseline is one less than the count while the warm-up connection is held, reached once
  // the server has seen it close.
  const int warmup = ConnectLoopback(server.port);
  ASSERT_GE(warmup, 0);
  ASSERT_TRUE(WriteAll(warmup, "warm", absl::Seconds(5)));
  ASSERT_EQ(ReadExactly(warmup, 4, absl::Seconds(5)).data, "warm");
  const int with_warmup = CountOpenFds(pid);
  ASSERT_GT(with_warmup, 1);
  close(warmup);
  const int baseline_fds = with_warmup - 1;
  ASSERT_EQ(WaitForFdCount(pid, baseline_fds, absl::Seconds(10)), baseline_fds)
      << "the server never closed the warm-up connection";

  constexpr int kConnections = 1000;
  constexpr size_t kMessageBytes = 1024;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = ConnectLoopback(server.port);
    ASSERT_GE(fd, 0) << "connection " << i << ": errno " << errno;
    fds.push_back(fd);
  }
  for (int round = 0; round < 3; ++round) {
    // Every connection sends before any reads: all 1,000 are in flight together.
    for (int i = 0; i < kConnections; ++i) {
      ASSERT_TRUE(
          WriteAll(fds[i], Pattern(kMessageBytes, round * kConnections + i), absl::Seconds(5)));
    }
    int mismatches = 0;
    for (int i = 0; i < kConnections; ++i) {
      const auto echo = ReadExactly(fds[i], kMessageBytes, absl::Seconds(10));
      if (echo.data != Pattern(kMessageBytes, round * kConnections + i)) ++mismatches;
    }
    ASSERT_EQ(mismatches, 0) << "round " << round;
  }
  EXPECT_EQ(WaitForFdCount(pid, baseline_fds + kConnections, absl::Seconds(10)),
            baseline_fds + kConnections)
      << "the server does not hold exactly one fd per connection";

  for (int fd : fds) close(fd);
  EXPECT_EQ(WaitForFdCount(pid, baseline_fds, absl::Seconds(10)), baseline_fds)
      << "fds left open after every client closed";
  const std::string summary = StopWithSigterm(server);
  EXPECT_NE(summary.find("served 1001 connections"), std::string::npos) << summary;
  const std::string bytes = std::to_string(3 * kConnections * kMessageBytes + 4);
  EXPECT_NE(summary.find(bytes + " bytes in, " + bytes + " bytes out"), std::string::npos)
      << summary;
}

// 64 MiB through a reader that takes 64 KiB at a time with a pause between reads: the server must
// pause reading (backpressure) rather than buffer without bound, and every byte arrives in order.
TEST(ServerProcessTest, SixtyFourMebibyteEchoThroughASlowReaderArrivesIntact) {
  RunningServer server = StartServer();
  ASSERT_NE(server.port, 0);
  const int fd = ConnectLoopback(server.port);
  ASSERT_GE(fd, 0);
  const std::string payload = Pattern(64 << 20, 64);
  const auto echo = reactor_testing::EchoExchange(fd, payload, absl::Seconds(45), 64 * 1024,
                                                  absl::Microseconds(500));
  EXPECT_EQ(echo.error, 0);
  ASSERT_EQ(echo.data.size(), payload.size());
  EXPECT_TRUE(echo.data == payload) << "the echo differs from what was sent";
  close(fd);
  const std::string summary = StopWithSigterm(server);
  const std::string bytes = std::to_string(payload.size());
  EXPECT_NE(summary.find(bytes + " bytes in, " + bytes + " bytes out"), std::string::npos)
      << summary;
}

// Genuine short writes inside the real server: the LD_PRELOAD shim lets at most 1000 bytes
// through per send(), and a 4 MiB echo still arrives intact.
TEST(ServerProcessTest, ShortWritesForcedByAPreloadedShimLoseNothing) {
  std::string asan_options = "verify_asan_link_order=0";  // the shim is preloaded before ASan
  if (const char* existing = std::getenv("ASAN_OPTIONS")) {
    asan_options = std::string(existing) + ":" + asan_options;
  }
  RunningServer server =
      StartServer({}, {"LD_PRELOAD=" + RunfilePath("tests/support/fault_injection_preload.so"),
                       "REACTOR_FAULT_SEND_MAX=1000", "ASAN_OPTIONS=" + asan_options});
  ASSERT_NE(server.port, 0);
  const int fd = ConnectLoopback(server.port);
  ASSERT_GE(fd, 0);
  const std::string payload = Pattern(4 << 20, 1000);
  const auto echo = reactor_testing::EchoExchange(fd, payload, absl::Seconds(30));
  EXPECT_EQ(echo.error, 0);
  EXPECT_TRUE(echo.data == payload) << "the echo differs from what was sent";
  close(fd);
  StopWithSigterm(server);
  // The shim reports from inside the server at exit.
  std::smatch match;
  const std::string err = server.process->stderr_text();
  ASSERT_TRUE(std::regex_search(err, match, std::regex(R"(fault_injection: .*clamped=([0-9]+))")))
      << "the shim was not loaded; stderr: " << err;
  EXPECT_GT(std::stoull(match[1].str()), 1000u);
}

// SIGTERM with clients connected: every connection is closed (the clients see EOF), the server
// exits 0 within 2 s and prints its one-line summary.
TEST(ServerProcessTest, SigtermClosesConnectionsAndExitsZeroWithinTwoSeconds) {
  RunningServer server = StartServer();
  ASSERT_NE(server.port, 0);
  const pid_t pid = server.process->pid();
  // Up and serving (its signalfd is open once it answers), with no client yet.
  const int probe = ConnectLoopback(server.port);
  ASSERT_GE(probe, 0);
  ASSERT_TRUE(WriteAll(probe, "up", absl::Seconds(5)));
  ASSERT_EQ(ReadExactly(probe, 2, absl::Seconds(5)).data, "up");
  const int idle_fds = CountOpenFds(pid) - 1;
  close(probe);
  ASSERT_EQ(WaitForFdCount(pid, idle_fds, absl::Seconds(10)), idle_fds);
  std::vector<int> fds;
  for (int i = 0; i < 10; ++i) {
    const int fd = ConnectLoopback(server.port);
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
  }
  ASSERT_TRUE(WriteAll(fds[0], "last words", absl::Seconds(5)));
  EXPECT_EQ(ReadExactly(fds[0], 10, absl::Seconds(5)).data, "last words");
  // All ten accepted and held before the signal, so the summary has ten to count.
  ASSERT_EQ(WaitForFdCount(pid, idle_fds + 10, absl::Seconds(10)), idle_fds + 10);

  const std::string stdout_text = StopWithSigterm(server);
  for (int fd : fds) {
    const auto end = ReadToEof(fd, absl::Seconds(2));
    EXPECT_TRUE(end.eof) << "error " << end.error;
    EXPECT_EQ(end.data, "");
    close(fd);
  }
  EXPECT_NE(stdout_text.find("server: served 11 connections"), std::string::npos)  // and the probe
      << stdout_text;
}

struct BadFlagCase {
  const char* flag;
  const char* name;  // what the error message must mention
};

class BadFlagTest : public ::testing::TestWithParam<BadFlagCase> {};

TEST_P(BadFlagTest, ExitsNonZeroNamingTheFlag) {
  auto process = Subprocess::Start(RunfilePath("server/server"), {GetParam().flag});
  ASSERT_NE(process, nullptr);
  const std::optional<int> status = process->Wait(absl::Seconds(10));
  ASSERT_TRUE(status.has_value()) << "the server started despite " << GetParam().flag;
  EXPECT_FALSE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_NE(process->stderr_text().find(GetParam().name), std::string::npos)
      << "stderr: " << process->stderr_text();
  EXPECT_EQ(process->stdout_text().find("listening on"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Flags, BadFlagTest,
                         ::testing::Values(BadFlagCase{"--port=70000", "port"},
                                           BadFlagCase{"--port=-1", "port"},
                                           BadFlagCase{"--port=abc", "port"},
                                           BadFlagCase{"--protocol=gopher", "protocol"},
                                           BadFlagCase{"--max_connections=0", "max_connections"},
                                           BadFlagCase{"--backlog=0", "backlog"},
                                           BadFlagCase{"--bind=not-an-address", "not-an-address"}));

}  // namespace
