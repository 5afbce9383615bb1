// Tests for reactor::Connection over real loopback TCP, with the test thread as the peer:
// echo and buffer release, genuine and forced short writes, injected EINTR/EAGAIN, backpressure,
// half-close, peer resets (ECONNRESET on recv and on send, EPIPE) without SIGPIPE or spinning,
// protocol-requested close and Drain().
#include "reactor/connection.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "reactor/event_loop.h"
#include "reactor/server_stats.h"
#include "tests/reactor/test_protocols.h"
#include "tests/support/fault_injection.h"
#include "tests/support/loop_runner.h"
#include "tests/support/socket_util.h"

namespace reactor {
namespace {

using reactor_testing::EchoExchange;
using reactor_testing::Pattern;
using reactor_testing::ReadExactly;
using reactor_testing::ReadToEof;
using reactor_testing::WriteAll;
using reactor_testing::WriteUntilPaused;

enum class Kind { kRawEcho, kLineEcho, kAmplifier, kSharedAmplifier };

class ConnectionTest : public ::testing::Test, public ConnectionObserver {
 protected:
  void SetUp() override {
    // A SIGPIPE anywhere would kill this test binary: proof by survival that MSG_NOSIGNAL is used.
    signal(SIGPIPE, SIG_DFL);
    reactor_testing::ResetFaults();
    runner_.Call([] { reactor_testing::EnableFaultsOnThisThread(); });
  }

  void TearDown() override {
    runner_.Call([this] { connection_.reset(); });
    if (client_ >= 0) close(client_);
    reactor_testing::ResetFaults();
  }

  // Connects a loopback pair and starts a Connection on its server end.
  void Start(Kind kind, ConnectionOptions options = {}, int server_sndbuf = 0,
             int client_rcvbuf = 0) {
    const reactor_testing::TcpPair pair = reactor_testing::MakeTcpPair();
    ASSERT_GE(pair.client, 0);
    client_ = pair.client;
    reactor_testing::SetBufferSizes(pair.server, server_sndbuf, 0);
    reactor_testing::SetBufferSizes(pair.client, 0, client_rcvbuf);
    const bool started = runner_.Call([&] {
      context_.loop = runner_.loop();
      context_.options = options;
      context_.stats = &stats_;
      std::unique_ptr<Protocol> session;
      if (kind == Kind::kRawEcho) {
        session = std::make_unique<reactor_testing::RawEchoSession>();
      } else if (kind == Kind::kAmplifier || kind == Kind::kSharedAmplifier) {
        session =
            std::make_unique<reactor_testing::AmplifierSession>(kind == Kind::kSharedAmplifier);
      } else {
        session = std::make_unique<reactor_testing::LineEchoSession>(&drains_);
      }
      connection_ = std::make_unique<Connection>(&context_, pair.server, std::move(session), this);
      return connection_->Start().ok();
    });
    ASSERT_TRUE(started);
  }

  // Loop thread: records why the connection closed (destruction happens in TearDown).
  void OnConnectionClosed(Connection* connection, int closed_fd, CloseReason reason) override {
    EXPECT_EQ(connection, connection_.get());
    EXPECT_GE(closed_fd, 0);
    EXPECT_FALSE(runner_.loop()->IsRegistered(closed_fd)) << "removed from epoll before close";
    closes_.push_back(reason);
  }

  // The reason the connection closed, waiting for it at most `timeout`.
  std::optional<CloseReason> WaitForClose(absl::Duration timeout = absl::Seconds(10)) {
    if (!runner_.WaitUntil([this] { return !closes_.empty(); }, timeout)) return std::nullopt;
    return runner_.Call([this] {
      EXPECT_EQ(closes_.size(), 1u) << "observer told more than once";
      return closes_[0];
    });
  }

  // Loop iterations during `window` with the test thread idle: a sleeping loop does a handful.
  uint64_t IterationsDuring(absl::Duration window) {
    const uint64_t before = runner_.Call([this] { return runner_.loop()->iterations(); });
    absl::SleepFor(window);
    return runner_.Call([this] { return runner_.loop()->iterations(); }) - before;
  }

  // Sends until the server stops reading: its output passed the high-water mark and every buffer
  // between us is full. Returns the bytes sent, which are the bytes owed back to us.
  size_t FillUntilPaused(const std::string& payload) {
    const size_t sent = WriteUntilPaused(client_, payload, [this] {
      return runner_.Call([this] { return !connection_->reading(); });
    });
    EXPECT_LT(sent, payload.size()) << "the server never stopped reading";
    EXPECT_TRUE(runner_.Call([this] { return !connection_->reading(); }));
    return sent;
  }

  // Declared first: destroyed last, after everything that lives on its loop.
  reactor_testing::LoopRunner runner_;
  ServerStats stats_;
  ConnectionContext context_;
  std::unique_ptr<Connection> connection_;
  std::vector<CloseReason> closes_;
  int drains_ = 0;
  int client_ = -1;
};

ConnectionOptions SmallWaterMarks() {
  ConnectionOptions options;
  options.high_water_bytes = 256 * 1024;
  options.low_water_bytes = 64 * 1024;
  options.linger_timeout = absl::Milliseconds(300);
  return options;
}

TEST_F(ConnectionTest, EchoesAndHoldsNoBufferMemoryWhenIdle) {
  Start(Kind::kLineEcho);
  ASSERT_TRUE(WriteAll(client_, "hello\n", absl::Seconds(5)));
  EXPECT_EQ(ReadExactly(client_, 6, absl::Seconds(5)).data, "hello\n");
  // A request that arrives whole and a reply sent whole never touch the connection's buffers.
  EXPECT_EQ(runner_.Call([this] { return connection_->buffer_capacity(); }), 0u);

  // An incomplete request is kept in the connection's own input, and released once answered.
  ASSERT_TRUE(WriteAll(client_, "abc", absl::Seconds(5)));
  ASSERT_TRUE(runner_.WaitUntil([this] { return connection_->buffered_input_bytes() == 3; }));
  EXPECT_GT(runner_.Call([this] { return connection_->buffer_capacity(); }), 0u);
  EXPECT_FALSE(runner_.Call([this] { return connection_->idle(); }));
  ASSERT_TRUE(WriteAll(client_, "def\n", absl::Seconds(5)));
  EXPECT_EQ(ReadExactly(client_, 7, absl::Seconds(5)).data, "abcdef\n");
  ASSERT_TRUE(runner_.WaitUntil([this] { return connection_->idle(); }));
  EXPECT_EQ(runner_.Call([this] { return connection_->buffer_capacity(); }), 0u);
  runner_.Call([this] {
    EXPECT_EQ(stats_.bytes_in, 13u);
    EXPECT_EQ(stats_.bytes_out, 13u);
    EXPECT_GT(connection_->last_activity_nanos(), 0);
  });
}

// Genuine short writes: a tiny SO_SNDBUF and a slow reader make the kernel take only part of each
// send, and EPOLLOUT carries the rest; every byte still arrives in order.
TEST_F(ConnectionTest, ShortWritesFromAFullSocketBufferLoseNothing) {
  Start(Kind::kRawEcho, ConnectionOptions{}, /*server_sndbuf=*/4096);
  const std::string payload = Pattern(2 << 20, 1);
  const auto echo =
      EchoExchange(client_, payload, absl::Seconds(30), 16 * 1024, absl::Microseconds(200));
  ASSERT_EQ(echo.error, 0);
  EXPECT_TRUE(echo.data == payload) << "echo differs from what was sent";
  const auto sends = reactor_testing::SendCounts();
  EXPECT_GT(sends.short_transfers, 0u) << "the kernel never shortened a send";
  EXPECT_EQ(sends.clamped, 0u);
  runner_.Call([this] { EXPECT_EQ(stats_.bytes_out, 2u << 20); });
}

// Forced short writes: the shim lets at most 1000 bytes through per send(), whatever the socket
// could take.
TEST_F(ConnectionTest, ShortWritesForcedByTheShimLoseNothing) {
  reactor_testing::SetSendClamp(1000);
  Start(Kind::kRawEcho);
  const std::string payload = Pattern(1 << 20, 2);
  const auto echo = EchoExchange(client_, payload, absl::Seconds(30));
  ASSERT_EQ(echo.error, 0);
  EXPECT_TRUE(echo.data == payload) << "echo differs from what was sent";
  EXPECT_GT(reactor_testing::SendCounts().clamped, 0u);
  EXPECT_GT(reactor_testing::SendCounts().short_transfers, 0u);
}

// EINTR and EAGAIN from recv() and send(), injected one at a time: each is retried (EINTR on
// send at once; the others through level-triggered readiness) and no byte is lost.
TEST_F(ConnectionTest, EintrAndEagainAreRetried) {
  Start(Kind::kLineEcho);
  struct Case {
    const char* name;
    bool on_send;
    int err;
  };
  const Case cases[] = {{"recv EINTR", false, EINTR},
                        {"recv EAGAIN", false, EAGAIN},
                        {"send EINTR", true, EINTR},
                        {"send EAGAIN", true, EAGAIN}};
  int round = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const auto before = c.on_send ? reactor_testing::SendCounts() : reactor_testing::RecvCounts();
    if (c.on_send) {
      reactor_testing::InjectSendError(c.err, 1);
    } else {
      reactor_testing::InjectRecvError(c.err, 1);
    }
    const std::string line = "round " + std::to_string(round++) + "\n";
    ASSERT_TRUE(WriteAll(client_, line, absl::Seconds(5)));
    EXPECT_EQ(ReadExactly(client_, line.size(), absl::Seconds(5)).data, line);
    const auto after = c.on_send ? reactor_testing::SendCounts() : reactor_testing::RecvCounts();
    EXPECT_EQ(after.injected - before.injected, 1u) << "the injected failure was not hit";
  }
  ASSERT_TRUE(runner_.WaitUntil([this] { return connection_->idle(); }));
  runner_.Call([this] {
    EXPECT_FALSE(connection_->closed());
    EXPECT_EQ(connection_->buffer_capacity(), 0u);
    EXPECT_EQ(runner_.loop()->InterestOf(connection_->fd()),
              static_cast<uint32_t>(EPOLLIN | EPOLLRDHUP))
        << "EPOLLOUT must be disarmed once the output is delivered";
  });
}

// A peer that sends without reading: the server stops reading once its pending output passes the
// high-water mark (memory stays bounded), does not spin while paused, and resumes when the peer
// reads; everything owed arrives intact.
TEST_F(ConnectionTest, BackpressurePausesReadingAndResumes) {
  const ConnectionOptions options = SmallWaterMarks();
  Start(Kind::kRawEcho, options, /*server_sndbuf=*/16 * 1024, /*client_rcvbuf=*/16 * 1024);
  const std::string payload = Pattern(32 << 20, 3);
  const size_t sent = FillUntilPaused(payload);
  runner_.Call([&] {
    EXPECT_FALSE(connection_->reading());
    EXPECT_GE(stats_.read_pauses, 1u);
    EXPECT_GT(connection_->pending_output_bytes(), options.high_water_bytes);
    // Bounded: one read's worth of replies past the mark at most.
    EXPECT_LE(connection_->pending_output_bytes(),
              options.high_water_bytes + options.read_chunk_bytes);
    EXPECT_EQ(runner_.loop()->InterestOf(connection_->fd()), static_cast<uint32_t>(EPOLLOUT));
  });
  EXPECT_LT(IterationsDuring(absl::Milliseconds(200)), 50u) << "the paused connection spins";

  const auto echo = ReadExactly(client_, sent, absl::Seconds(30));
  ASSERT_EQ(echo.data.size(), sent);
  EXPECT_TRUE(echo.data == payload.substr(0, sent)) << "echo differs from what was sent";
  ASSERT_TRUE(runner_.WaitUntil([this] { return connection_->idle(); }));
  runner_.Call([this] {
    EXPECT_TRUE(connection_->reading());
    EXPECT_EQ(connection_->buffer_capacity(), 0u);
  });
}

// Half-close: the peer sends, then shutdown(SHUT_WR). It still gets its whole echo, then EOF.
TEST_F(ConnectionTest, HalfClosedPeerStillGetsItsEcho) {
  Start(Kind::kLineEcho);
  ASSERT_TRUE(WriteAll(client_, "hello\nworld\nincomplete", absl::Seconds(5)));
  ASSERT_EQ(shutdown(client_, SHUT_WR), 0);
  const auto reply = ReadToEof(client_, absl::Seconds(10));
  EXPECT_EQ(reply.data, "hello\nworld\n") << "an incomplete request can never be answered";
  EXPECT_TRUE(reply.eof);
  EXPECT_EQ(reply.error, 0);
  EXPECT_EQ(WaitForClose(), CloseReason::kPeerClosed);
  runner_.Call([this] { EXPECT_EQ(stats_.connections_closed_by_peer, 1u); });
}

// Half-close with megabytes still owed, through backpressure: the EOF waits behind the reply.
TEST_F(ConnectionTest, HalfCloseDuringBackpressureDeliversEverythingOwed) {
  Start(Kind::kRawEcho, SmallWaterMarks());
  const std::string payload = Pattern(8 << 20, 4);
  std::thread writer([&] {
    EXPECT_TRUE(WriteAll(client_, payload, absl::Seconds(30)));
    EXPECT_EQ(shutdown(client_, SHUT_WR), 0);
  });
  // Nothing is read until the server has paused: backpressure happens for certain, rather than
  // only when this reader happens to be slower than the server.
  EXPECT_TRUE(runner_.WaitUntil([this] { return stats_.read_pauses >= 1; }, absl::Seconds(20)));
  const auto reply = ReadToEof(client_, absl::Seconds(30));
  writer.join();
  EXPECT_TRUE(reply.eof);
  ASSERT_EQ(reply.data.size(), payload.size());
  EXPECT_TRUE(reply.data == payload);
  EXPECT_EQ(WaitForClose(), CloseReason::kPeerClosed);
  runner_.Call([this] { EXPECT_GE(stats_.read_pauses, 1u); });
}

// RST on an idle connection: recv() fails with ECONNRESET; the connection closes as reset.
TEST_F(ConnectionTest, PeerResetIsSeenByRecvAsEconnreset) {
  Start(Kind::kLineEcho);
  reactor_testing::SetLingerZero(client_);
  close(client_);
  client_ = -1;
  EXPECT_EQ(WaitForClose(), CloseReason::kReset);
  EXPECT_EQ(reactor_testing::RecvCounts().econnreset, 1u);
  runner_.Call([this] {
    EXPECT_EQ(stats_.connections_reset_by_peer, 1u);
    EXPECT_EQ(stats_.connections_closed_on_error, 0u);
  });
}

// Any other recv() error (here an injected EIO) closes the connection too, and is counted apart
// from ordinary resets.
TEST_F(ConnectionTest, OtherRecvErrorsCloseAndAreCountedApart) {
  Start(Kind::kLineEcho);
  reactor_testing::InjectRecvError(EIO, 1);
  ASSERT_TRUE(WriteAll(client_, "x\n", absl::Seconds(5)));
  EXPECT_EQ(WaitForClose(), CloseReason::kError);
  runner_.Call([this] {
    EXPECT_EQ(stats_.connections_closed_on_error, 1u);
    EXPECT_EQ(stats_.connections_reset_by_peer, 0u);
  });
}

// ETIMEDOUT (keep-alive probes or retransmissions gave up on the peer) is a network fault of
// its own, apart from resets and other errors.
TEST_F(ConnectionTest, NetworkTimeoutIsCountedApart) {
  Start(Kind::kLineEcho);
  reactor_testing::InjectRecvError(ETIMEDOUT, 1);
  ASSERT_TRUE(WriteAll(client_, "x\n", absl::Seconds(5)));
  EXPECT_EQ(WaitForClose(), CloseReason::kNetworkTimeout);
  runner_.Call([this] {
    EXPECT_EQ(stats_.connections_lost_to_network_timeout, 1u);
    EXPECT_EQ(stats_.connections_closed_on_error, 0u);
  });
}

// RST while the connection is paused by backpressure (only EPOLLOUT armed): the error arrives as
// EPOLLERR|EPOLLHUP, send() fails with ECONNRESET and no SIGPIPE, and nothing spins before or
// after.
TEST_F(ConnectionTest, PeerResetWhilePausedClosesWithoutSpinning) {
  Start(Kind::kRawEcho, SmallWaterMarks(), 16 * 1024, 16 * 1024);
  const std::string payload = Pattern(32 << 20, 5);
  FillUntilPaused(payload);
  EXPECT_LT(IterationsDuring(absl::Milliseconds(200)), 50u);

  reactor_testing::SetLingerZero(client_);
  close(client_);
  client_ = -1;
  EXPECT_EQ(WaitForClose(), CloseReason::kReset);
  EXPECT_EQ(reactor_testing::SendCounts().econnreset, 1u);
  EXPECT_LT(IterationsDuring(absl::Milliseconds(200)), 50u);
  runner_.Call([this] {
    EXPECT_EQ(stats_.connections_reset_by_peer, 1u);
    EXPECT_EQ(connection_->buffer_capacity(), 0u) << "a closed connection keeps no buffers";
  });
}

// EPIPE: the peer half-closes (our socket enters CLOSE_WAIT) and then resets while we still owe
// it bytes. The kernel reports that reset as EPIPE; with MSG_NOSIGNAL it raises no SIGPIPE.
TEST_F(ConnectionTest, PeerResetAfterHalfCloseIsSeenBySendAsEpipe) {
  Start(Kind::kRawEcho, ConnectionOptions{}, 4096, 4096);
  const std::string payload = Pattern(512 * 1024, 6);
  ASSERT_TRUE(WriteAll(client_, payload, absl::Seconds(10)));  // all of it fits in the server
  ASSERT_TRUE(reactor_testing::WaitUntilSendQueueEmpty(client_, absl::Seconds(10)));
  ASSERT_TRUE(runner_.WaitUntil([this] { return connection_->pending_output_bytes() > 0; }));
  ASSERT_EQ(shutdown(client_, SHUT_WR), 0);
  ASSERT_TRUE(reactor_testing::WaitUntilSendQueueEmpty(client_, absl::Seconds(10)))
      << "our FIN was never acknowledged";
  reactor_testing::SetLingerZero(client_);
  close(client_);
  client_ = -1;
  EXPECT_EQ(WaitForClose(), CloseReason::kReset);
  EXPECT_EQ(reactor_testing::SendCounts().epipe, 1u);
  EXPECT_LT(IterationsDuring(absl::Milliseconds(100)), 30u);
}

// An injected ECONNRESET from send() takes the same path as a real one.
TEST_F(ConnectionTest, SendErrorClosesTheConnection) {
  Start(Kind::kLineEcho);
  reactor_testing::InjectSendError(ECONNRESET, 1);
  ASSERT_TRUE(WriteAll(client_, "x\n", absl::Seconds(5)));
  EXPECT_EQ(WaitForClose(), CloseReason::kReset);
  const auto rest = ReadToEof(client_, absl::Seconds(5));
  EXPECT_EQ(rest.data, "");
  EXPECT_TRUE(rest.eof || rest.error == ECONNRESET);
}

// The session asks to close ("quit"): the goodbye is delivered and the connection closes from
// inside its own handler. Bytes after "quit" are discarded first, so the close is a FIN, not an
// RST that could overtake the reply.
TEST_F(ConnectionTest, SessionCloseDeliversTheReplyThenFin) {
  Start(Kind::kLineEcho);
  ASSERT_TRUE(WriteAll(client_, "one\nquit\nignored after quit\n", absl::Seconds(5)));
  const auto reply = ReadToEof(client_, absl::Seconds(10));
  EXPECT_EQ(reply.data, "one\nbye\n");
  EXPECT_TRUE(reply.eof);
  EXPECT_EQ(reply.error, 0) << "connection was reset instead of closed";
  EXPECT_EQ(WaitForClose(), CloseReason::kProtocol);
}

TEST_F(ConnectionTest, CloseIsIdempotentAndTheClientSeesEof) {
  Start(Kind::kLineEcho);
  runner_.Call([this] {
    connection_->Close(CloseReason::kServerClosing);
    connection_->Close(CloseReason::kError);
    EXPECT_TRUE(connection_->closed());
    EXPECT_EQ(connection_->fd(), -1);
  });
  EXPECT_TRUE(ReadToEof(client_, absl::Seconds(5)).eof);
  EXPECT_EQ(WaitForClose(), CloseReason::kServerClosing);
}

TEST_F(ConnectionTest, DrainClosesAnIdleConnectionAtOnce) {
  Start(Kind::kLineEcho);
  runner_.Call([this] {
    connection_->Drain();
    EXPECT_TRUE(connection_->closed());
    EXPECT_EQ(drains_, 1) << "the session is told before the close";
  });
  EXPECT_TRUE(ReadToEof(client_, absl::Seconds(5)).eof);
  EXPECT_EQ(WaitForClose(), CloseReason::kServerClosing);
}

// Draining with half a request in hand: the request may still complete and be answered.
TEST_F(ConnectionTest, DrainLetsAPartialRequestComplete) {
  Start(Kind::kLineEcho);
  ASSERT_TRUE(WriteAll(client_, "almost", absl::Seconds(5)));
  ASSERT_TRUE(runner_.WaitUntil([this] { return connection_->buffered_input_bytes() == 6; }));
  runner_.Call([this] { connection_->Drain(); });
  ASSERT_TRUE(WriteAll(client_, " done\n", absl::Seconds(5)));
  const auto reply = ReadToEof(client_, absl::Seconds(10));
  EXPECT_EQ(reply.data, "almost done\n");
  EXPECT_TRUE(reply.eof);
  EXPECT_EQ(WaitForClose(), CloseReason::kServerClosing);
}

// Draining with output pending: the connection closes only once the peer has it all.
TEST_F(ConnectionTest, DrainDeliversPendingOutputBeforeClosing) {
  Start(Kind::kRawEcho, SmallWaterMarks(), 16 * 1024, 16 * 1024);
  const std::string payload = Pattern(32 << 20, 7);
  const size_t sent = FillUntilPaused(payload);
  runner_.Call([this] {
    connection_->Drain();
    EXPECT_FALSE(connection_->closed());
  });
  const auto reply = ReadToEof(client_, absl::Seconds(30));
  const uint64_t bytes_out = runner_.Call([this] { return stats_.bytes_out; });
  EXPECT_EQ(reply.data.size(), bytes_out) << "bytes the server sent were lost";
  // The peer still has megabytes in flight that the server will never read: the lingering close
  // still ends our side with FIN, not RST.
  EXPECT_TRUE(reply.eof) << "error " << reply.error;
  // Everything the server had read was answered; what it had not read yet was never read.
  ASSERT_LE(reply.data.size(), sent);
  EXPECT_TRUE(reply.data == payload.substr(0, reply.data.size()));
  EXPECT_GT(reply.data.size(), SmallWaterMarks().high_water_bytes);
  // The client never closes its side, so the linger ends at linger_timeout.
  EXPECT_EQ(WaitForClose(), CloseReason::kServerClosing);
}

// An RST from close() with unread input would make the kernels drop replies still queued, and
// the client would see ECONNRESET on a graceful shutdown. The lingering close sends FIN after the
// replies and reads until the client closes: the close then completes without waiting for
// linger_timeout.
TEST_F(ConnectionTest, DrainEndsWithFinEvenWhileThePeerKeepsSending) {
  ConnectionOptions options = SmallWaterMarks();
  options.linger_timeout = absl::Seconds(60);  // longer than WaitForClose waits
  Start(Kind::kRawEcho, options, 16 * 1024, 16 * 1024);
  const std::string payload = Pattern(32 << 20, 8);
  FillUntilPaused(payload);
  runner_.Call([this] { connection_->Drain(); });
  const auto reply = ReadToEof(client_, absl::Seconds(30));
  EXPECT_TRUE(reply.eof);
  EXPECT_EQ(reply.error, 0);
  close(client_);  // the client's own close ends the linger
  client_ = -1;
  EXPECT_EQ(WaitForClose(), CloseReason::kServerClosing);
}

// 64 one-byte requests pipelined in one read ask for 16 MiB. The session pauses at the output
// budget and the connection stops reading until that output is delivered, so what the server
// holds for a client that does not read stays bounded; every reply still comes, once, in order.
TEST_F(ConnectionTest, PipelinedRequestsForLargeRepliesPauseTheSessionNotTheMemory) {
  using reactor_testing::AmplifierSession;
  const ConnectionOptions options = SmallWaterMarks();
  Start(Kind::kAmplifier, options, /*server_sndbuf=*/64 * 1024, /*client_rcvbuf=*/64 * 1024);
  std::string requests;
  for (int i = 0; i < 64; ++i) requests.push_back(static_cast<char>('a' + i % 26));
  ASSERT_TRUE(WriteAll(client_, requests, absl::Seconds(5)));

  // The client reads nothing yet: the server must not turn the 64 bytes into 16 MiB of output.
  ASSERT_TRUE(runner_.WaitUntil([this] { return connection_->pending_output_bytes() > 0; }));
  absl::SleepFor(absl::Milliseconds(200));
  const size_t held = runner_.Call([this] { return connection_->buffer_capacity(); });
  EXPECT_LE(held, 2 * (options.output_budget_bytes + AmplifierSession::kReplyBytes))
      << "output was not bounded by the session's budget";
  EXPECT_LT(IterationsDuring(absl::Milliseconds(200)), 50u) << "spinning while paused";

  const auto replies =
      ReadExactly(client_, requests.size() * AmplifierSession::kReplyBytes, absl::Seconds(30));
  ASSERT_EQ(replies.data.size(), requests.size() * AmplifierSession::kReplyBytes);
  for (size_t i = 0; i < requests.size(); ++i) {
    const std::string_view reply(replies.data.data() + i * AmplifierSession::kReplyBytes,
                                 AmplifierSession::kReplyBytes);
    ASSERT_EQ(reply.find_first_not_of(requests[i]), std::string_view::npos) << "reply " << i;
  }
  // All answered: nothing more is owed, and the connection reads again.
  EXPECT_TRUE(runner_.WaitUntil([this] { return connection_->buffer_capacity() == 0; }));
  ASSERT_TRUE(WriteAll(client_, "z", absl::Seconds(5)));
  EXPECT_EQ(ReadExactly(client_, AmplifierSession::kReplyBytes, absl::Seconds(10)).data,
            std::string(AmplifierSession::kReplyBytes, 'z'));
}

// The same requests answered with shared blocks, as a large HTTP body is: the replies leave by
// sendmsg in whatever pieces the small socket buffers take, byte-exact and in order, and what the
// connection holds meanwhile is the one-byte headers, not copies of the blocks.
TEST_F(ConnectionTest, SharedBlocksLeaveInOrderThroughShortWritesWithoutACopy) {
  using reactor_testing::AmplifierSession;
  Start(Kind::kSharedAmplifier, SmallWaterMarks(), 64 * 1024, 64 * 1024);
  std::string requests;
  for (int i = 0; i < 64; ++i) requests.push_back(static_cast<char>('a' + i % 26));
  ASSERT_TRUE(WriteAll(client_, requests, absl::Seconds(5)));

  ASSERT_TRUE(runner_.WaitUntil([this] { return connection_->pending_output_bytes() > 0; }));
  const size_t held = runner_.Call([this] { return connection_->buffer_capacity(); });
  EXPECT_LT(held, 64 * 1024u) << "the shared blocks were copied";

  const size_t total = requests.size() * AmplifierSession::kReplyBytes;
  const auto replies = ReadExactly(client_, total, absl::Seconds(30));
  ASSERT_EQ(replies.data.size(), total);
  for (size_t i = 0; i < requests.size(); ++i) {
    const std::string_view reply(replies.data.data() + i * AmplifierSession::kReplyBytes,
                                 AmplifierSession::kReplyBytes);
    ASSERT_EQ(reply, AmplifierSession::SharedReply(requests[i])) << "reply " << i;
  }
  EXPECT_EQ(runner_.Call([this] { return stats_.bytes_out.value(); }), total);
}

// A peer that half-closes right after pipelining still gets every reply, paused or not.
TEST_F(ConnectionTest, HalfCloseAfterPipelinedLargeRequestsStillGetsEveryReply) {
  using reactor_testing::AmplifierSession;
  Start(Kind::kAmplifier, SmallWaterMarks(), 64 * 1024, 64 * 1024);
  const std::string requests(20, 'q');
  ASSERT_TRUE(WriteAll(client_, requests, absl::Seconds(5)));
  ASSERT_EQ(shutdown(client_, SHUT_WR), 0);
  const auto replies = ReadToEof(client_, absl::Seconds(30));
  EXPECT_TRUE(replies.eof);
  EXPECT_EQ(replies.data, std::string(20 * AmplifierSession::kReplyBytes, 'q'));
  EXPECT_EQ(WaitForClose(), CloseReason::kPeerClosed);
}

}  // namespace
}  // namespace reactor
