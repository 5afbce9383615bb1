// Reconnects: a server that closes politely and then goes away, or that accepts and resets at
// once, must get a bounded number of attempts (backoff), never a reconnect loop at full CPU.
#include <sys/socket.h>

#include <memory>
#include <string>

#include "client/load_run.h"
#include "gtest/gtest.h"
#include "tests/client/load_run_testing.h"
#include "tests/client/scripted_server.h"
#include "tests/support/socket_util.h"

namespace client {
namespace {

using client_testing::LoopbackOptions;
using client_testing::RunChecked;

using client_testing::ScriptedServer;

constexpr char kCloseResponse[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

// Answers one request with `Connection: close`, then closes. With max_accepts = 1 the listener
// is gone by then: the client's polite reopen is refused.
void AnswerOnceAndClose(int fd, int) {
  std::string in;
  if (!client_testing::ReadUntil(fd, in, "\r\n\r\n", absl::Seconds(5))) return;
  client_testing::WriteAll(fd, kCloseResponse);
}

ClientOptions HttpOptions(uint16_t port) {
  ClientOptions o = LoopbackOptions(port, 1);
  o.protocol = ClientProtocol::kHttp;
  o.timeout = absl::Seconds(2);
  return o;
}

TEST(ReconnectTest, FailedReopenAfterPoliteCloseIsFinalWithoutReconnect) {
  ScriptedServer::Options server_options;
  server_options.max_accepts = 1;
  auto server = ScriptedServer::Start(AnswerOnceAndClose, server_options);
  ASSERT_TRUE(server.ok()) << server.status();
  const RunReport r = RunChecked(HttpOptions((*server)->port()));
  const Ledger& l = r.stats.ledger;
  EXPECT_EQ(l.ok, 1u) << r.FormatSummary();
  EXPECT_EQ(l.connected, 1u);
  // The polite reopen, refused; then nothing more.
  EXPECT_EQ(l.reconnects, 1u) << r.FormatSummary();
  EXPECT_EQ(l.attempted, 2u);
  EXPECT_EQ(l.connect_failed[static_cast<int>(ConnectFailure::kRefused)], 1u);
}

TEST(ReconnectTest, FailedReopensAfterPoliteCloseBackOff) {
  ScriptedServer::Options server_options;
  server_options.max_accepts = 1;
  auto server = ScriptedServer::Start(AnswerOnceAndClose, server_options);
  ASSERT_TRUE(server.ok()) << server.status();
  ClientOptions o = HttpOptions((*server)->port());
  o.reconnect = true;
  o.reconnect_backoff_min = absl::Milliseconds(10);
  o.reconnect_backoff_max = absl::Seconds(1);
  const RunReport r = RunChecked(o);
  const Ledger& l = r.stats.ledger;
  EXPECT_EQ(l.ok, 1u);
  // Refused reopens at 0, 10, 20, 40, ... 640 ms: at most 8 fit in the 1 s run. A reopen loop
  // without backoff makes thousands.
  EXPECT_GE(l.attempted, 3u) << r.FormatSummary();
  EXPECT_LE(l.attempted, 10u) << r.FormatSummary();
}

TEST(ReconnectTest, ConnectionsResetBeforeAnyReplyBackOff) {
  // Every connect succeeds and is reset at once. Each such connection is a failure for the
  // backoff, which therefore grows as it does for refused connects; were a completed connect
  // to count as success, every reconnect would wait only the minimum.
  auto server = ScriptedServer::Start([](int fd, int) { reactor_testing::SetLingerZero(fd); });
  ASSERT_TRUE(server.ok()) << server.status();
  ClientOptions o;
  o.target = *reactor::SocketAddress::FromHostPort("127.0.0.1", (*server)->port());
  o.connections = 2;
  o.duration = absl::Seconds(1);
  o.reconnect = true;
  o.reconnect_backoff_min = absl::Milliseconds(10);
  o.reconnect_backoff_max = absl::Seconds(1);
  const RunReport r = RunChecked(o);
  const Ledger& l = r.stats.ledger;
  EXPECT_EQ(l.ok, 0u);
  EXPECT_GE(l.reconnects, 2 * 2u) << r.FormatSummary();
  // Backoff 20, 40, 80 ... ms: about 6 attempts per connection in 1 s (100 at 10 ms each).
  EXPECT_LE(l.attempted, 2 * 10u) << r.FormatSummary();
}

}  // namespace
}  // namespace client
