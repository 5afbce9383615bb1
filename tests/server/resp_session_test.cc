// Tests for RespSession: replies and errors worded as Redis 7 words them, pipelining, split
// input, protocol errors closing the connection, and INFO reading the server's counters.
#include "server/resp_session.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "reactor/server_stats.h"
#include "tests/server/output_budget_check.h"
#include "tests/server/session_driver.h"

namespace server {
namespace {

using testing::SessionDriver;

class RespSessionTest : public ::testing::Test {
 protected:
  SessionDriver NewDriver() { return SessionDriver(factory_.NewSession()); }

  reactor::ServerStats stats_;
  RespFactory factory_{RespOptions{}, &stats_};
};

TEST_F(RespSessionTest, PingInlineAndMultibulk) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("PING\r\n"), "+PONG\r\n");
  EXPECT_EQ(d.Feed("*1\r\n$4\r\nping\r\n"), "+PONG\r\n");
  EXPECT_EQ(d.Feed("PiNg hello\r\n"), "$5\r\nhello\r\n");
  EXPECT_EQ(d.Feed("*2\r\n$4\r\nPING\r\n$0\r\n\r\n"), "$0\r\n\r\n");
  EXPECT_FALSE(d.closed());
}

TEST_F(RespSessionTest, Echo) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n"), "$4\r\na\r\nb\r\n");
  EXPECT_EQ(d.Feed("echo \"x y\"\r\n"), "$3\r\nx y\r\n");
}

TEST_F(RespSessionTest, PipelinedRepliesInOrder) {
  SessionDriver d = NewDriver();
  const std::string pipeline =
      "PING\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n\r\nPING a\r\n*0\r\nPING\r\n";
  const std::string expected = "+PONG\r\n$1\r\nx\r\n$1\r\na\r\n+PONG\r\n";
  EXPECT_EQ(d.Feed(pipeline), expected);
  SessionDriver split = NewDriver();
  EXPECT_EQ(split.FeedByteByByte(pipeline), expected);
  EXPECT_EQ(split.pending(), 0u);
}

TEST_F(RespSessionTest, PartialRequestWaits) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("*1\r\n$4\r\nPI"), "");
  EXPECT_EQ(d.pending(), 10u);
  EXPECT_EQ(d.Feed("NG\r\n"), "+PONG\r\n");
  EXPECT_EQ(d.pending(), 0u);
}

TEST_F(RespSessionTest, ErrorsWordedAsRedis) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("foo a b\r\n"),
            "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n");
  EXPECT_EQ(d.Feed("FOO\r\n"), "-ERR unknown command 'FOO', with args beginning with: \r\n");
  // Newlines in arguments become spaces, as Redis does.
  EXPECT_EQ(d.Feed("foo \"a\\r\\nb\" c\r\n"),
            "-ERR unknown command 'foo', with args beginning with: 'a  b' 'c' \r\n");
  EXPECT_EQ(d.Feed("PING a b\r\n"), "-ERR wrong number of arguments for 'ping' command\r\n");
  EXPECT_EQ(d.Feed("ECHO\r\n"), "-ERR wrong number of arguments for 'echo' command\r\n");
  EXPECT_FALSE(d.closed());
}

TEST_F(RespSessionTest, UnknownCommandArgumentsTruncatedAt128) {
  SessionDriver d = NewDriver();
  const std::string long_arg(200, 'x');
  EXPECT_EQ(
      d.Feed("foo " + long_arg + " y\r\n"),
      "-ERR unknown command 'foo', with args beginning with: '" + std::string(128, 'x') + "' \r\n");
}

TEST_F(RespSessionTest, QuitRepliesOkAndCloses) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("QUIT\r\nPING\r\n"), "+OK\r\n");
  EXPECT_TRUE(d.closed());
}

TEST_F(RespSessionTest, CommandAndCommandDocs) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("COMMAND\r\n"), "*0\r\n");
  EXPECT_EQ(d.Feed("COMMAND DOCS\r\n"), "*0\r\n");
  EXPECT_EQ(d.Feed("command docs get\r\n"), "*0\r\n");
  EXPECT_EQ(d.Feed("COMMAND COUNT\r\n"), ":0\r\n");
  EXPECT_EQ(d.Feed("COMMAND BOGUS\r\n"), "-ERR unknown subcommand 'BOGUS'. Try COMMAND HELP.\r\n");
}

TEST_F(RespSessionTest, ConfigGet) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("CONFIG GET save\r\n"), "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
  EXPECT_EQ(d.Feed("config get APPENDONLY\r\n"), "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
  EXPECT_EQ(d.Feed("CONFIG GET save appendonly\r\n"),
            "*4\r\n$4\r\nsave\r\n$0\r\n\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
  EXPECT_EQ(d.Feed("CONFIG GET *\r\n"),
            "*8\r\n$4\r\nsave\r\n$0\r\n\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"
            "$9\r\nmaxmemory\r\n$1\r\n0\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n");
  EXPECT_EQ(d.Feed("CONFIG GET s?v[a-f]\r\n"), "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
  EXPECT_EQ(d.Feed("CONFIG GET maxmemory\r\n"), "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  EXPECT_EQ(d.Feed("CONFIG GET nosuch\r\n"), "*0\r\n");
  EXPECT_EQ(d.Feed("CONFIG GET\r\n"),
            "-ERR wrong number of arguments for 'config|get' command\r\n");
  EXPECT_EQ(d.Feed("CONFIG SET a b\r\n"), "-ERR unknown subcommand 'SET'. Try CONFIG HELP.\r\n");
}

TEST_F(RespSessionTest, InfoReportsServerCounters) {
  stats_.connections_current = 3;
  stats_.connections_accepted = 7;
  stats_.connections_rejected = 2;
  stats_.bytes_in = 100;
  stats_.bytes_out = 200;
  SessionDriver d = NewDriver();
  d.Feed("PING\r\nPING\r\n");
  const std::string info = d.Feed("INFO\r\n");
  ASSERT_EQ(info.substr(0, 1), "$");
  const size_t header_end = info.find("\r\n");
  const std::string body = info.substr(header_end + 2, info.size() - header_end - 4);
  EXPECT_EQ(std::to_string(body.size()), info.substr(1, header_end - 1));
  EXPECT_NE(body.find("# Server\r\nredis_version:"), std::string::npos);
  EXPECT_NE(body.find("\r\n\r\n# Clients\r\nconnected_clients:3\r\n"), std::string::npos);
  EXPECT_NE(body.find("total_connections_received:7\r\n"), std::string::npos);
  // The two PINGs; INFO itself is counted after its reply is built.
  EXPECT_NE(body.find("total_commands_processed:2\r\n"), std::string::npos) << body;
  EXPECT_NE(body.find("rejected_connections:2\r\n"), std::string::npos);
  EXPECT_NE(body.find("total_net_input_bytes:100\r\n"), std::string::npos);
  EXPECT_NE(body.find("total_net_output_bytes:200\r\n"), std::string::npos);

  const std::string stats_only = d.Feed("info STATS\r\n");
  EXPECT_EQ(stats_only.find("# Server"), std::string::npos);
  EXPECT_NE(stats_only.find("# Stats\r\n"), std::string::npos);
  EXPECT_EQ(d.Feed("INFO bogus\r\n"), "$0\r\n\r\n");
  EXPECT_EQ(factory_.commands_processed(), 5u);
}

// INFO's Metrics section walks the same table as /metrics: every counter under its Prometheus
// name, labelled ones with their label value, histograms on one line each.
TEST_F(RespSessionTest, InfoMetricsReportsTheMetricsCounters) {
  stats_.connections_closed_by_peer = 4;
  stats_.listener.dropped_for_fds = 6;
  stats_.loop_requests_per_wakeup.Record(3);
  SessionDriver bad = NewDriver();
  bad.Feed("*1\r\nfoo\r\n");  // a protocol error
  SessionDriver d = NewDriver();
  d.Feed("PING\r\n");
  const std::string info = d.Feed("INFO metrics\r\n");
  EXPECT_EQ(info.find("# Server"), std::string::npos);
  EXPECT_NE(info.find("# Metrics\r\n"), std::string::npos) << info;
  for (const reactor::StatField& field : reactor::StatFields()) {
    const std::string key = std::string(field.family) + (field.label_value.empty() ? "" : "_") +
                            std::string(field.label_value) + ":";
    EXPECT_NE(info.find("\n" + key), std::string::npos) << key;
  }
  EXPECT_NE(info.find("\nrequests_total:1\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("\nprotocol_errors_total:1\r\n"), std::string::npos);
  EXPECT_NE(info.find("\nconnections_closed_total_peer:4\r\n"), std::string::npos);
  EXPECT_NE(info.find("\nconnections_refused_total_no_fds:6\r\n"), std::string::npos);
  EXPECT_NE(
      info.find("\nevent_loop_requests_per_wakeup:count=1,sum=3,le_0=0,le_1=0,le_2=0,le_4=1,"),
      std::string::npos)
      << info;
  EXPECT_NE(info.find("\nevent_loop_iteration_seconds:count=0,sum=0,le_0.000005=0,"),
            std::string::npos)
      << info;
  // The default sections include it.
  EXPECT_NE(d.Feed("INFO\r\n").find("# Metrics\r\n"), std::string::npos);
}

TEST_F(RespSessionTest, ProtocolErrorsReplyAndClose) {
  struct Case {
    std::string input;
    std::string reply;
  };
  const Case cases[] = {
      {"*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
      {"*1\r\nfoo\r\n", "-ERR Protocol error: expected '$', got 'f'\r\n"},
      {"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
      {"set \"\"\"test-key\"\"\" test-value\r\n",
       "-ERR Protocol error: unbalanced quotes in request\r\n"},
      {std::string("\0", 1) + std::string(70000, 'x'),
       "-ERR Protocol error: too big inline request\r\n"},
  };
  for (const Case& c : cases) {
    SessionDriver whole = NewDriver();
    EXPECT_EQ(whole.Feed("PING\r\n" + c.input + "PING\r\n"), "+PONG\r\n" + c.reply) << c.input;
    EXPECT_TRUE(whole.closed());
    SessionDriver split = NewDriver();
    std::string out;
    for (size_t i = 0; i < c.input.size(); i += 1000) out += split.Feed(c.input.substr(i, 1000));
    EXPECT_EQ(out, c.reply);
    EXPECT_TRUE(split.closed());
  }
}

TEST_F(RespSessionTest, EmptyQueryAndNegativeMultibulkAreSkipped) {
  SessionDriver d = NewDriver();
  EXPECT_EQ(d.Feed("\r\n"), "");
  EXPECT_EQ(d.Feed("*-10\r\n"), "");
  EXPECT_EQ(d.Feed("PING\r\n"), "+PONG\r\n");
}

TEST(RespSessionLimitsTest, MaxRequestBytesClosesWithProtocolError) {
  RespOptions options;
  options.max_request_bytes = 100;
  RespFactory factory(options, nullptr);
  SessionDriver d(factory.NewSession());
  EXPECT_EQ(d.Feed("*2\r\n$4\r\nECHO\r\n$200\r\n" + std::string(50, 'x')), "");
  EXPECT_EQ(d.Feed(std::string(60, 'x')),
            "-ERR Protocol error: query buffer exceeds max_request_bytes\r\n");
  EXPECT_TRUE(d.closed());
}

TEST(RespSessionLimitsTest, MaxBulkBytes) {
  RespOptions options;
  options.max_bulk_bytes = 3;
  RespFactory factory(options, nullptr);
  SessionDriver d(factory.NewSession());
  EXPECT_EQ(d.Feed("*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n"),
            "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(d.closed());
}

// The bulk reply Redis gives for `data`.
std::string Bulk(std::string_view data) {
  return "$" + std::to_string(data.size()) + "\r\n" + std::string(data) + "\r\n";
}

// Pipelined ECHOs of 100 KiB each, told apart by their bytes: every call stops once its output
// reaches the budget, between requests, and the next goes on where it stopped until each ECHO
// has been answered once, in order.
TEST(RespOutputBudgetTest, LargeEchoes) {
  std::vector<std::string> replies;
  std::vector<testing::Exchange> exchanges;
  replies.reserve(40);  // the exchanges keep views of these
  for (int i = 0; i < 40; ++i) {
    const std::string payload(100 * 1024 + i, static_cast<char>('a' + i % 26));
    replies.push_back(Bulk(payload));
    exchanges.push_back({"*2\r\n$4\r\nECHO\r\n" + Bulk(payload), replies.back()});
  }
  RespFactory factory(RespOptions{}, nullptr);
  SessionDriver whole(factory.NewSession());
  // 4 MiB of replies owed for one call's input: a pause after every budget's worth.
  EXPECT_GE(testing::CheckOutputBudget(whole, exchanges, SIZE_MAX).pauses, 3u);
  // Arriving 64 KiB at a time, no call is owed more than that, so none needs to pause; those
  // that do not must still answer everything they were given.
  SessionDriver pieces(factory.NewSession());
  testing::CheckOutputBudget(pieces, exchanges, 64 * 1024);
}

// 24,000 pipelined INFO stats, each reporting one more command processed than the last, so
// their order shows. (The stats section: the memory section's used_memory varies.)
TEST(RespOutputBudgetTest, PipelinedInfo) {
  RespFactory reference(RespOptions{}, nullptr);
  std::vector<std::string> replies;
  const size_t count = 24000;  // about 5.5 MB of replies
  replies.reserve(count);
  std::vector<testing::Exchange> exchanges;
  for (size_t i = 0; i < count; ++i) {
    const std::string_view stats[] = {"stats"};
    replies.push_back(Bulk(reference.InfoText(stats)));
    reference.CountCommand();
    exchanges.push_back({"INFO stats\r\n", replies.back()});
  }
  RespFactory whole_factory(RespOptions{}, nullptr);
  SessionDriver whole(whole_factory.NewSession());
  EXPECT_GE(testing::CheckOutputBudget(whole, exchanges, SIZE_MAX).pauses, 3u);
  // 8,000 INFOs in every 96 KiB read: each piece is owed more than the budget.
  RespFactory pieces_factory(RespOptions{}, nullptr);
  SessionDriver pieces(pieces_factory.NewSession());
  EXPECT_GE(testing::CheckOutputBudget(pieces, exchanges, 96 * 1024).pauses, 3u);
}

// A session whose output is full parses nothing more: a request of 5,000 arguments waiting behind
// it costs no parser memory until its turn (a parse then would be thrown away and done again).
TEST(RespOutputBudgetTest, WhatWaitsBehindAFullOutputIsNotParsed) {
  RespFactory factory(RespOptions{}, nullptr);
  SessionDriver d(factory.NewSession(), /*output_budget=*/1024);
  const std::string payload(2000, 'a');
  std::string large = "*5000\r\n";
  for (int i = 0; i < 5000; ++i) large += "$1\r\nx\r\n";
  EXPECT_EQ(d.Feed("*2\r\n$4\r\nECHO\r\n" + Bulk(payload) + large), Bulk(payload));
  ASSERT_TRUE(d.paused());
  EXPECT_EQ(d.pending(), large.size());
  EXPECT_LT(d.session().memory_bytes(), 5000 * sizeof(std::string_view))
      << "the waiting request was parsed";
  EXPECT_EQ(d.Resume().rfind("-ERR unknown command 'x'", 0), 0u);
  EXPECT_FALSE(d.paused());
  EXPECT_EQ(d.pending(), 0u);
}

TEST(RespFactoryTest, RejectionMessage) {
  RespFactory factory(RespOptions{}, nullptr);
  EXPECT_EQ(factory.RejectionMessage(), "-ERR max number of clients reached\r\n");
}

}  // namespace
}  // namespace server
