// --command with any command line, against a fake RESP store (SET, GET; anything else is an
// unknown command): each request arrives as one RESP array with the given words, replies that
// are not errors verify, and error replies are counted by their message.
#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/load_run.h"
#include "gtest/gtest.h"
#include "protocol/resp_request_parser.h"
#include "tests/client/load_run_testing.h"
#include "tests/client/scripted_server.h"

namespace client {
namespace {

using client_testing::LoopbackOptions;
using client_testing::RunChecked;

using client_testing::ScriptedServer;

struct FakeStoreLog {
  std::atomic<int> commands{0};
  std::atomic<int> set_key_value{0};  // SET with exactly the arguments key, value
};

std::string Bulk(const std::string& s) { return absl::StrCat("$", s.size(), "\r\n", s, "\r\n"); }

// A per-connection key-value store speaking RESP: SET k v, GET k; other commands get Redis's
// unknown-command error.
ScriptedServer::Script FakeStore(FakeStoreLog* log) {
  return [log](int fd, int) {
    protocol::RespRequestParser parser;
    std::map<std::string, std::string> store;
    std::string in;
    while (client_testing::ReadSome(fd, in, absl::Seconds(5))) {
      std::string out;
      size_t offset = 0;
      while (true) {
        const auto r = parser.Parse(std::string_view(in).substr(offset));
        if (r.status == protocol::ParseStatus::kError) return;
        if (r.status != protocol::ParseStatus::kComplete) break;
        offset += r.consumed;
        if (r.argv.empty()) continue;
        ++log->commands;
        const std::string name =
            absl::AsciiStrToUpper(absl::string_view(r.argv[0].data(), r.argv[0].size()));
        if (name == "SET" && r.argv.size() == 3) {
          if (r.argv[1] == "key" && r.argv[2] == "value") ++log->set_key_value;
          store[std::string(r.argv[1])] = std::string(r.argv[2]);
          out += "+OK\r\n";
        } else if (name == "GET" && r.argv.size() == 2) {
          auto it = store.find(std::string(r.argv[1]));
          out += it == store.end() ? std::string("$-1\r\n") : Bulk(it->second);
        } else {
          out += absl::StrCat("-ERR unknown command '",
                              absl::string_view(r.argv[0].data(), r.argv[0].size()),
                              "', with args beginning with: \r\n");
        }
      }
      in.erase(0, offset);
      if (!client_testing::WriteAll(fd, out)) return;
    }
  };
}

ClientOptions RespOptions(uint16_t port, std::string command) {
  ClientOptions o = LoopbackOptions(port, 2);
  o.protocol = ClientProtocol::kResp;
  o.command = std::move(command);
  o.pipeline = 4;
  o.requests = 200;
  o.duration = absl::Seconds(10);  // a bound: the runs end at their request count
  o.timeout = absl::Seconds(2);
  return o;
}

TEST(RespCommandTest, SetIsSentAsOneArrayOfItsWordsAndVerified) {
  FakeStoreLog log;
  auto server = ScriptedServer::Start(FakeStore(&log));
  ASSERT_TRUE(server.ok()) << server.status();
  const RunReport r = RunChecked(RespOptions((*server)->port(), "SET key value"));
  EXPECT_EQ(r.stats.ledger.ok, 200u) << r.FormatSummary();
  EXPECT_EQ(r.stats.ledger.error_replies, 0u);
  EXPECT_EQ(log.set_key_value.load(), 200);
  EXPECT_EQ(log.commands.load(), 200);
  EXPECT_EQ(r.Evaluate().exit_code, kExitOk) << r.Evaluate().reason;
}

TEST(RespCommandTest, GetOfAMissingKeyIsAnAnswer) {
  FakeStoreLog log;
  auto server = ScriptedServer::Start(FakeStore(&log));
  ASSERT_TRUE(server.ok()) << server.status();
  const RunReport r = RunChecked(RespOptions((*server)->port(), "GET key"));
  EXPECT_EQ(r.stats.ledger.ok, 200u) << r.FormatSummary();  // a null bulk is not an error
  EXPECT_EQ(r.Evaluate().exit_code, kExitOk) << r.Evaluate().reason;
}

TEST(RespCommandTest, ErrorRepliesAreCountedByMessage) {
  FakeStoreLog log;
  auto server = ScriptedServer::Start(FakeStore(&log));
  ASSERT_TRUE(server.ok()) << server.status();
  const RunReport r = RunChecked(RespOptions((*server)->port(), "NOSUCH a b"));
  EXPECT_EQ(r.stats.ledger.ok, 0u);
  EXPECT_EQ(r.stats.ledger.error_replies, 200u) << r.FormatSummary();
  ASSERT_EQ(r.stats.errors_by_detail.size(), 1u);
  EXPECT_EQ(r.stats.errors_by_detail.begin()->first.rfind("ERR unknown command 'NOSUCH'", 0), 0u)
      << r.stats.errors_by_detail.begin()->first;
  EXPECT_EQ(r.Evaluate().exit_code, kExitNoResponses);
}

}  // namespace
}  // namespace client
