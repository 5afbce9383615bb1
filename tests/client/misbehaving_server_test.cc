// The whole client against servers that break the rules in ways a load test exists to find, with
// every outcome checked in the ledger: a server that sends replies nobody asked for, one that
// never reads, and one whose listen queue is full so that connects time out for real (no SYN is
// answered), rather than an ETIMEDOUT only mapped in a unit test.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/ledger.h"
#include "client/load_run.h"
#include "gtest/gtest.h"
#include "tests/client/load_run_testing.h"
#include "tests/client/scripted_server.h"

namespace client {
namespace {

using client_testing::LoopbackOptions;
using client_testing::RunChecked;
using client_testing::ScriptedServer;

// Echoes each message, and after every reply sends one the client never asked for.
TEST(MisbehavingServerTest, UnrequestedRepliesAreNeverCountedAsAnswers) {
  auto server = ScriptedServer::Start([](int fd, int) {
    std::string buffer;
    while (client_testing::ReadSome(fd, buffer, absl::Seconds(10))) {
      while (buffer.size() >= 64) {
        if (!client_testing::WriteAll(fd, buffer.substr(0, 64)) ||
            !client_testing::WriteAll(fd, std::string(64, 'u'))) {
          return;
        }
        buffer.erase(0, 64);
      }
    }
  });
  ASSERT_TRUE(server.ok()) << server.status();
  ClientOptions o = LoopbackOptions((*server)->port(), 2);
  o.duration = absl::Milliseconds(500);
  const RunReport r = RunChecked(o);
  const Ledger& l = r.stats.ledger;
  // Unrequested bytes that arrive while a request is in flight are that request's (wrong) reply;
  // the echo behind them may then verify the next, identical request. So what is bounded is the
  // answers: never more verdicts than requests sent, whatever the server pushes.
  EXPECT_GT(l.sent, 0u);
  EXPECT_LE(l.ok + l.mismatched, l.sent) << l.Format();
  EXPECT_GT(l.mismatched + l.closed_malformed, 0u) << l.Format();
  EXPECT_NE(r.Evaluate().exit_code, kExitOk) << r.Evaluate().reason;
}

// Accepts and never reads: waits for the client to hang up without taking a byte.
TEST(MisbehavingServerTest, ServerThatNeverReadsTimesRequestsOut) {
  auto server = ScriptedServer::Start([](int fd, int) {
    for (;;) {
      pollfd p{fd, POLLRDHUP, 0};            // not POLLIN: data waiting is left unread
      if (poll(&p, 1, 10'000) != 0) return;  // the client hung up, or the server is stopping
    }
  });
  ASSERT_TRUE(server.ok()) << server.status();
  ClientOptions o = LoopbackOptions((*server)->port(), 2);
  // Large messages, pipelined: the client's sends fill both socket buffers and block.
  o.message_bytes = 256 * 1024;
  o.pipeline = 4;
  o.duration = absl::Seconds(1);
  o.timeout = absl::Milliseconds(300);
  o.drain = absl::Milliseconds(200);
  const RunReport r = RunChecked(o);
  const Ledger& l = r.stats.ledger;
  EXPECT_EQ(l.connected, 2u) << l.Format();
  EXPECT_EQ(l.ok, 0u) << l.Format();
  EXPECT_GE(l.timed_out, 2u) << l.Format();
  EXPECT_EQ(r.Evaluate().exit_code, kExitNoResponses) << r.Evaluate().reason;
}

// A listener that never accepts, its queue filled: the kernel drops every further SYN, so the
// client's connects get no answer at all and --connect_timeout ends them.
TEST(MisbehavingServerTest, ConnectsToAFullListenQueueTimeOut) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(listener, 0), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  // Fill the accept queue: connect until one gets no answer within 200 ms.
  std::vector<int> fillers;
  for (int i = 0; i < 16; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd, 0);
    fillers.push_back(fd);
    const int rc = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ASSERT_TRUE(rc == 0 || errno == EINPROGRESS) << errno;
    pollfd p{fd, POLLOUT, 0};
    if (rc != 0 && poll(&p, 1, 200) == 0) break;  // unanswered: the queue is full
  }
  ASSERT_LT(fillers.size(), 16u) << "the listen queue never filled";

  ClientOptions o = LoopbackOptions(ntohs(address.sin_port), 3);
  o.connect_timeout = absl::Milliseconds(300);
  o.duration = absl::Seconds(1);
  const RunReport r = RunChecked(o);
  const Ledger& l = r.stats.ledger;
  EXPECT_EQ(l.connected, 0u) << l.Format();
  EXPECT_GE(l.connect_failed[static_cast<int>(ConnectFailure::kTimedOut)], 3u) << l.Format();
  EXPECT_EQ(l.connect_failed_total(), l.connect_failed[static_cast<int>(ConnectFailure::kTimedOut)])
      << l.Format();
  EXPECT_EQ(r.Evaluate().exit_code, kExitNoConnection) << r.Evaluate().reason;
  for (int fd : fillers) close(fd);
  close(listener);
}

}  // namespace
}  // namespace client
