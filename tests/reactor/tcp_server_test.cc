// Tests for reactor::TcpServer with test protocols: many concurrent connections, max_connections
// with the protocol's rejection message, idle timeouts, buffer release, and graceful Shutdown()
// (idle connections closed, pending output delivered, drain deadline, `done`, no timer left).
#include "reactor/tcp_server.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "reactor/event_loop.h"
#include "tests/reactor/test_protocols.h"
#include "tests/support/loop_runner.h"
#include "tests/support/socket_util.h"

namespace reactor {
namespace {

using reactor_testing::ConnectLoopback;
using reactor_testing::Pattern;
using reactor_testing::ReadExactly;
using reactor_testing::ReadToEof;
using reactor_testing::TestProtocolFactory;
using reactor_testing::WriteAll;

class TcpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { signal(SIGPIPE, SIG_DFL); }

  void TearDown() override {
    runner_.Call([this] { server_.reset(); });
    for (int fd : clients_) close(fd);
  }

  void StartServer(TestProtocolFactory::Kind kind, TcpServerOptions options = {}) {
    factory_ = std::make_unique<TestProtocolFactory>(kind);
    const absl::Status status = runner_.Call([&] {
      server_ = std::make_unique<TcpServer>(runner_.loop(), options, factory_.get());
      return server_->Start();
    });
    ASSERT_TRUE(status.ok()) << status;
    port_ = runner_.Call([this] { return server_->address().port(); });
    ASSERT_NE(port_, 0);
  }

  int Connect() {
    const int fd = ConnectLoopback(port_);
    EXPECT_GE(fd, 0) << "connect: errno " << errno;
    if (fd >= 0) clients_.push_back(fd);
    return fd;
  }

  void CloseClient(int fd) {
    close(fd);
    for (int& c : clients_) {
      if (c == fd) c = -1;
    }
  }

  // Sends a line and expects it back.
  void ExpectEcho(int fd, const std::string& line) {
    ASSERT_TRUE(WriteAll(fd, line, absl::Seconds(5)));
    EXPECT_EQ(ReadExactly(fd, line.size(), absl::Seconds(5)).data, line);
  }

  // Makes `fd`'s connection owe megabytes that the client does not read, so the server pauses it.
  size_t FillUntilPaused(int fd) {
    reactor_testing::SetBufferSizes(fd, 0, 16 * 1024);
    const uint64_t pauses_before = runner_.Call([this] { return server_->stats().read_pauses; });
    auto paused = [&] { return server_->stats().read_pauses > pauses_before; };
    const size_t sent =
        reactor_testing::WriteUntilPaused(fd, filler_, [&] { return runner_.Call(paused); });
    EXPECT_LT(sent, filler_.size());
    EXPECT_TRUE(runner_.Call(paused)) << "the server never stopped reading";
    return sent;
  }

  static TcpServerOptions SmallWaterMarks() {
    TcpServerOptions options;
    options.connection.high_water_bytes = 256 * 1024;
    options.connection.low_water_bytes = 64 * 1024;
    return options;
  }

  // Declared first: destroyed last.
  reactor_testing::LoopRunner runner_;
  std::unique_ptr<TestProtocolFactory> factory_;
  std::unique_ptr<TcpServer> server_;
  uint16_t port_ = 0;
  std::vector<int> clients_;
  const std::string filler_ = Pattern(32 << 20, 42);
};

TEST_F(TcpServerTest, ServesManyConcurrentConnections) {
  StartServer(TestProtocolFactory::Kind::kLineEcho);
  static constexpr int kClients = 200;
  std::vector<int> fds;
  for (int i = 0; i < kClients; ++i) fds.push_back(Connect());
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->connection_count() == kClients; }));
  // Every connection open at once; each gets exactly its own bytes back.
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(WriteAll(fds[i], "client " + std::to_string(i) + "\n", absl::Seconds(5)));
  }
  for (int i = 0; i < kClients; ++i) {
    const std::string expected = "client " + std::to_string(i) + "\n";
    EXPECT_EQ(ReadExactly(fds[i], expected.size(), absl::Seconds(5)).data, expected);
  }
  EXPECT_EQ(runner_.Call([this] { return server_->buffered_bytes(); }), 0u)
      << "idle connections must hold no buffer memory";
  for (int fd : fds) CloseClient(fd);
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->connection_count() == 0; }));
  runner_.Call([this] {
    const ServerStats& stats = server_->stats();
    EXPECT_EQ(stats.connections_accepted, static_cast<uint64_t>(kClients));
    EXPECT_EQ(stats.connections_closed_by_peer, static_cast<uint64_t>(kClients));
    EXPECT_EQ(stats.connections_current, 0u);
    EXPECT_EQ(factory_->sessions, kClients);
  });
}

TEST_F(TcpServerTest, ReleasesConnectionBuffersOnceARequestCompletes) {
  StartServer(TestProtocolFactory::Kind::kLineEcho);
  const int fd = Connect();
  ASSERT_TRUE(WriteAll(fd, "half a req", absl::Seconds(5)));
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->buffered_bytes() > 0; }));
  ASSERT_TRUE(WriteAll(fd, "uest\n", absl::Seconds(5)));
  EXPECT_EQ(ReadExactly(fd, 15, absl::Seconds(5)).data, "half a request\n");
  EXPECT_TRUE(runner_.WaitUntil([this] { return server_->buffered_bytes() == 0; }));
}

TEST_F(TcpServerTest, RejectsConnectionsBeyondTheLimitWithTheProtocolsMessage) {
  TcpServerOptions options;
  options.max_connections = 2;
  StartServer(TestProtocolFactory::Kind::kLineEcho, options);
  const int a = Connect();
  const int b = Connect();
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->connection_count() == 2; }));
  const int refused = Connect();
  const auto reply = ReadToEof(refused, absl::Seconds(5));
  EXPECT_EQ(reply.data, "FULL\n");
  EXPECT_TRUE(reply.eof);
  runner_.Call([this] {
    EXPECT_EQ(server_->stats().connections_rejected, 1u);
    EXPECT_EQ(server_->stats().connections_accepted, 2u);
    EXPECT_EQ(factory_->sessions, 2) << "no session may be made for a refused connection";
  });
  ExpectEcho(a, "still served\n");
  ExpectEcho(b, "me too\n");
  // A slot frees up: the next connection is served.
  CloseClient(a);
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->connection_count() == 1; }));
  const int next = Connect();
  ExpectEcho(next, "my turn\n");
}

TEST_F(TcpServerTest, IdleTimeoutClosesOnlyIdleConnections) {
  TcpServerOptions options;
  options.idle_timeout = absl::Milliseconds(300);
  StartServer(TestProtocolFactory::Kind::kLineEcho, options);
  const int idle = Connect();
  const int active = Connect();
  // The active client talks every 30 ms, ten times under the timeout.
  for (int i = 0; i < 20; ++i) {
    ExpectEcho(active, "tick\n");
    absl::SleepFor(absl::Milliseconds(30));
  }
  const auto idle_end = ReadToEof(idle, absl::Seconds(5));
  EXPECT_TRUE(idle_end.eof) << "the idle connection was not closed; error " << idle_end.error;
  ExpectEcho(active, "still here\n");
  runner_.Call([this] {
    EXPECT_EQ(server_->stats().connections_timed_out, 1u);
    EXPECT_EQ(server_->connection_count(), 1u);
  });
}

// The busy client sent one large request that the server has read in full, and reads the reply
// slowly: shutdown waits for the whole reply, and ends with FIN.
TEST_F(TcpServerTest, ShutdownClosesIdleDeliversPendingThenCallsDone) {
  TcpServerOptions options;
  options.connection.high_water_bytes = 64 << 20;  // never pauses: reads the whole request
  StartServer(TestProtocolFactory::Kind::kRawEcho, options);
  const int idle = Connect();
  const int busy = Connect();
  reactor_testing::SetBufferSizes(busy, 0, 16 * 1024);
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->connection_count() == 2; }));
  // More than the kernel's socket buffers hold, so some of the reply waits in the server.
  const std::string request = filler_.substr(0, 16 << 20);
  ASSERT_TRUE(WriteAll(busy, request, absl::Seconds(10)));
  ASSERT_TRUE(runner_.WaitUntil([&] { return server_->stats().bytes_in == request.size(); }));
  ASSERT_GT(runner_.Call([this] { return server_->buffered_bytes(); }), 0u);

  bool done = false;
  runner_.Call([&] { server_->Shutdown([&] { done = true; }); });
  // Idle: closed at once. New connections: refused, the listener is closed.
  EXPECT_TRUE(ReadToEof(idle, absl::Seconds(5)).eof);
  EXPECT_LT(ConnectLoopback(port_), 0);
  EXPECT_EQ(errno, ECONNREFUSED);
  EXPECT_FALSE(runner_.Call([&] { return done; })) << "done before the busy connection finished";

  // Busy: the whole reply arrives, then FIN, and `done` runs.
  const auto reply = ReadToEof(busy, absl::Seconds(30));
  EXPECT_TRUE(reply.eof);
  EXPECT_EQ(reply.error, 0);
  EXPECT_TRUE(reply.data == request) << "got " << reply.data.size() << " of " << request.size();
  ASSERT_TRUE(runner_.WaitUntil([&] { return done; }));
  runner_.Call([&] {
    EXPECT_EQ(server_->connection_count(), 0u);
    EXPECT_EQ(factory_->drains, 2) << "every session is told about the shutdown";
    EXPECT_EQ(runner_.loop()->PendingTimers(), 0u) << "the drain deadline must be cancelled";
  });
  // Calling it again does nothing (and never calls the new `done`).
  bool second_done = false;
  runner_.Call([&] { server_->Shutdown([&] { second_done = true; }); });
  // Whatever that call queued on the loop has run after a few more turns of it.
  for (int i = 0; i < 3; ++i) runner_.Call([] {});
  EXPECT_FALSE(runner_.Call([&] { return second_done; }));
}

// The busy client still has megabytes in flight while the server drains: a plain close() would
// send RST and the kernel would throw away replies the server counted in bytes_out. The lingering
// close delivers every one of them, then FIN.
TEST_F(TcpServerTest, ShutdownDeliversEverythingSentToAPipeliningClient) {
  StartServer(TestProtocolFactory::Kind::kRawEcho, SmallWaterMarks());
  const int busy = Connect();
  FillUntilPaused(busy);
  bool done = false;
  runner_.Call([&] { server_->Shutdown([&] { done = true; }); });
  const auto reply = ReadToEof(busy, absl::Seconds(30));
  ASSERT_TRUE(runner_.WaitUntil([&] { return done; }));
  EXPECT_EQ(reply.data.size(), runner_.Call([this] { return server_->stats().bytes_out; }));
  EXPECT_TRUE(reply.eof);
}

TEST_F(TcpServerTest, ShutdownWithOnlyIdleConnectionsFinishesAndLeavesNoTimer) {
  StartServer(TestProtocolFactory::Kind::kLineEcho);
  const int a = Connect();
  const int b = Connect();
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->connection_count() == 2; }));
  bool done = false;
  runner_.Call([&] { server_->Shutdown([&] { done = true; }); });
  EXPECT_TRUE(runner_.WaitUntil([&] { return done; }));
  EXPECT_TRUE(ReadToEof(a, absl::Seconds(5)).eof);
  EXPECT_TRUE(ReadToEof(b, absl::Seconds(5)).eof);
  EXPECT_EQ(runner_.Call([this] { return runner_.loop()->PendingTimers(); }), 0u)
      << "a finished shutdown left its drain-deadline timer armed";
}

TEST_F(TcpServerTest, ShutdownWithNoConnectionsCallsDoneAtOnce) {
  StartServer(TestProtocolFactory::Kind::kLineEcho);
  bool done = false;
  runner_.Call([&] { server_->Shutdown([&] { done = true; }); });
  EXPECT_TRUE(runner_.WaitUntil([&] { return done; }, absl::Seconds(1)));
  EXPECT_EQ(runner_.Call([this] { return runner_.loop()->PendingTimers(); }), 0u);
}

TEST_F(TcpServerTest, DrainDeadlineForceClosesConnectionsThatNeverRead) {
  TcpServerOptions options = SmallWaterMarks();
  options.drain_timeout = absl::Milliseconds(200);
  StartServer(TestProtocolFactory::Kind::kRawEcho, options);
  const int stuck = Connect();
  FillUntilPaused(stuck);
  bool done = false;
  const int64_t start = runner_.Call([&] {
    server_->Shutdown([&] { done = true; });
    return MonotonicNanos();
  });
  // Not done while the deadline has not passed: the connection still owes megabytes.
  EXPECT_FALSE(runner_.Call([&] { return done; }));
  ASSERT_TRUE(runner_.WaitUntil([&] { return done; }, absl::Seconds(10)));
  EXPECT_GE(MonotonicNanos() - start, 200'000'000) << "force-closed before the deadline";
  EXPECT_EQ(runner_.Call([this] { return server_->connection_count(); }), 0u);
  // The client finds its connection gone (reset, since it was cut mid-transfer, or EOF).
  const auto end = ReadToEof(stuck, absl::Seconds(30));
  EXPECT_TRUE(end.eof || end.error == ECONNRESET);
}

TEST_F(TcpServerTest, DestroyingTheServerClosesEverything) {
  const int fds_before = reactor_testing::CountOpenFds();
  StartServer(TestProtocolFactory::Kind::kLineEcho);
  const int a = Connect();
  const int b = Connect();
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->connection_count() == 2; }));
  runner_.Call([this] { server_.reset(); });
  EXPECT_TRUE(ReadToEof(a, absl::Seconds(5)).eof);
  EXPECT_TRUE(ReadToEof(b, absl::Seconds(5)).eof);
  CloseClient(a);
  CloseClient(b);
  EXPECT_EQ(reactor_testing::CountOpenFds(), fds_before) << "the server leaked fds";
}

// Slowloris: a request whose bytes trickle in forever. Each byte is activity, so the idle timeout
// never fires; the request deadline, counted from the request's first byte, does.
TEST_F(TcpServerTest, RequestTimeoutClosesARequestThatTricklesForever) {
  TcpServerOptions options;
  options.idle_timeout = absl::Seconds(60);
  options.request_timeout = absl::Milliseconds(300);
  StartServer(TestProtocolFactory::Kind::kLineEcho, options);
  const int slow = Connect();
  const int brisk = Connect();
  bool slow_closed = false;
  for (int i = 0; i < 200 && !slow_closed; ++i) {  // at most 2 s of trickling
    slow_closed = send(slow, "x", 1, MSG_NOSIGNAL) < 0;
    ExpectEcho(brisk, "still here\n");  // complete requests never start the deadline
    absl::SleepFor(absl::Milliseconds(10));
    slow_closed = slow_closed || ReadToEof(slow, absl::ZeroDuration()).eof;
  }
  EXPECT_TRUE(ReadToEof(slow, absl::Seconds(5)).eof);
  const ServerStats stats = runner_.Call([this] { return server_->stats(); });
  EXPECT_EQ(stats.timed_out_request, 1u);
  EXPECT_EQ(stats.timed_out_idle, 0u);
  EXPECT_EQ(stats.connections_timed_out, 1u);
  ExpectEcho(brisk, "and still\n");
}

// The request deadline does not run while reading is paused for backpressure: the tail of the
// next request cannot grow while we do not read, and the client is late for nothing.
TEST_F(TcpServerTest, RequestDeadlineStopsWhileReadingIsPaused) {
  TcpServerOptions options = SmallWaterMarks();
  options.request_timeout = absl::Milliseconds(300);
  StartServer(TestProtocolFactory::Kind::kLineEcho, options);
  // 97-byte lines: reads of any power-of-two size end inside one, so a tail is held. Made
  // before connecting: the first request's clock starts at accept.
  std::string lines;
  while (lines.size() < (32u << 20)) lines += std::string(96, 'x') + "\n";
  const int fd = Connect();
  reactor_testing::SetBufferSizes(fd, 0, 16 * 1024);
  const size_t sent = reactor_testing::WriteUntilBlocked(fd, lines, absl::Milliseconds(300));
  ASSERT_LT(sent, lines.size());
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->stats().read_pauses > 0; }));
  ASSERT_GT(runner_.Call([this] { return server_->stats().input_buffered_bytes.value(); }), 0u)
      << "no incomplete request held: nothing to prove";
  absl::SleepFor(absl::Milliseconds(700));  // more than twice the request timeout, not reading
  EXPECT_EQ(runner_.Call([this] { return server_->stats().timed_out_request.value(); }), 0u);
  // Everything owed still arrives: the connection was never cut.
  const size_t owed = sent - sent % 97;
  EXPECT_EQ(ReadExactly(fd, owed, absl::Seconds(10)).data.size(), owed);
}

// A client that sends but never reads: once its replies stop moving for send_timeout, the
// connection is closed rather than holding its buffers for ever.
TEST_F(TcpServerTest, SendTimeoutClosesAClientThatStopsReading) {
  TcpServerOptions options = SmallWaterMarks();
  options.send_timeout = absl::Milliseconds(300);
  StartServer(TestProtocolFactory::Kind::kRawEcho, options);
  const int stuck = Connect();
  FillUntilPaused(stuck);
  ASSERT_TRUE(runner_.WaitUntil([this] { return server_->connection_count() == 0; }));
  const ServerStats stats = runner_.Call([this] { return server_->stats(); });
  EXPECT_EQ(stats.timed_out_send, 1u);
  EXPECT_EQ(stats.connections_timed_out, 1u);
}

}  // namespace
}  // namespace reactor
