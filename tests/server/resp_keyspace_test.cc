// The RESP server's keyspace commands on bytes alone: the GET and INCR paths allocate nothing,
// --maxmemory refuses writes with Redis's OOM error, INFO's memory and keyspace sections, SHUTDOWN,
// and commands from two threads on one shared Dataset stay atomic.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "reactor/buffer.h"
#include "reactor/protocol.h"
#include "server/allocation_counter.h"
#include "server/dataset.h"
#include "server/resp_session.h"
#include "tests/server/session_driver.h"

namespace server {
namespace {

using testing::SessionDriver;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Runs `input` through `session` `rounds` times into a reused queue; returns the allocations.
uint64_t AllocationsFor(reactor::Protocol& session, const std::string& input, int rounds,
                        reactor::OutputQueue& queue) {
  const uint64_t before = AllocationCount();
  reactor::Output output(queue, reactor::kDefaultOutputBudgetBytes);
  for (int i = 0; i < rounds; ++i) {
    queue.Clear();
    const reactor::ProtocolResult result = session.OnInput(input, output);
    if (result.consumed != input.size()) return UINT64_MAX;
  }
  return AllocationCount() - before;
}

TEST(RespKeyspaceTest, GetAndIncrAllocateNothing) {
  RespFactory factory(RespOptions{}, nullptr);
  std::unique_ptr<reactor::Protocol> session = factory.NewSession();
  reactor::OutputQueue output;
  // A key longer than std::string's inline capacity: the lookup must still not copy it.
  const std::string key = "key:000000123456789";
  SessionDriver(factory.NewSession())
      .Feed("*3\r\n$3\r\nSET\r\n$19\r\n" + key + "\r\n$5\r\nvalue\r\n");
  const std::string gets = Repeat("*2\r\n$3\r\nGET\r\n$19\r\n" + key + "\r\n", 16);
  AllocationsFor(*session, gets, 4, output);  // warm: parser vectors, output buffer
  EXPECT_EQ(AllocationsFor(*session, gets, 1000, output), 0u);
  EXPECT_EQ(output.ToString(), Repeat("$5\r\nvalue\r\n", 16));

  const std::string incrs = Repeat("*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n", 16);
  AllocationsFor(*session, incrs, 4, output);
  EXPECT_EQ(AllocationsFor(*session, incrs, 1000, output), 0u);
  EXPECT_EQ(output.ToString().substr(0, 6), ":16049");  // 4 * 16 warm + 999 * 16 + 1
}

TEST(RespKeyspaceTest, MaxmemoryRefusesWritesWithRedisOomError) {
  RespOptions options;
  options.maxmemory_bytes = 1000;
  static uint64_t used = 0;
  options.used_memory = [] { return used; };
  RespFactory factory(options, nullptr);
  SessionDriver d(factory.NewSession());
  used = 999;
  EXPECT_EQ(d.Feed("SET a 1\r\n"), "+OK\r\n");
  used = 1001;
  const std::string oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
  EXPECT_EQ(d.Feed("SET b 1\r\n"), oom);
  EXPECT_EQ(d.Feed("LPUSH l x\r\n"), oom);
  EXPECT_EQ(d.Feed("INCR a\r\n"), oom);
  // Reads and deletions still work, as under Redis's noeviction.
  EXPECT_EQ(d.Feed("GET a\r\n"), "$1\r\n1\r\n");
  EXPECT_EQ(d.Feed("DEL a\r\n"), ":1\r\n");
  // Arity is checked before memory, as Redis does.
  EXPECT_EQ(d.Feed("SET b\r\n"), "-ERR wrong number of arguments for 'set' command\r\n");
  const std::string info = d.Feed("INFO memory\r\n");
  EXPECT_NE(info.find("used_memory:1001\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("maxmemory:1000\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("maxmemory_policy:noeviction\r\n"), std::string::npos) << info;
}

TEST(RespKeyspaceTest, InfoKeyspaceAndCommandstats) {
  RespFactory factory(RespOptions{}, nullptr);
  SessionDriver d(factory.NewSession());
  EXPECT_EQ(d.Feed("INFO keyspace\r\n"), "$12\r\n# Keyspace\r\n\r\n");
  d.Feed("SET a 1\r\nSET b 2 EX 100\r\nGET a\r\nGET nope\r\n");
  const std::string info = d.Feed("INFO keyspace commandstats\r\n");
  EXPECT_NE(info.find("db0:keys=2,expires=1,avg_ttl="), std::string::npos) << info;
  EXPECT_NE(info.find("cmdstat_set:calls=2\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("cmdstat_get:calls=2\r\n"), std::string::npos) << info;
  // Rejected before running (arity, unknown): not counted, as in Redis.
  d.Feed("GET\r\nNOPE\r\n");
  EXPECT_NE(d.Feed("INFO commandstats\r\n").find("cmdstat_get:calls=2\r\n"), std::string::npos);
}

TEST(RespKeyspaceTest, ShutdownCallsTheHookAndCloses) {
  RespOptions options;
  int calls = 0;
  options.shutdown = [&calls] { ++calls; };
  RespFactory factory(options, nullptr);
  SessionDriver d(factory.NewSession());
  EXPECT_EQ(d.Feed("SHUTDOWN BOGUS\r\n"), "-ERR syntax error\r\n");
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(d.Feed("SHUTDOWN NOSAVE\r\nPING\r\n"), "");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(d.closed());
  // Without a hook (a library user that gave none), SHUTDOWN fails in Redis's words.
  RespFactory no_hook(RespOptions{}, nullptr);
  SessionDriver e(no_hook.NewSession());
  EXPECT_EQ(e.Feed("SHUTDOWN\r\n"), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
}

TEST(RespKeyspaceTest, SortedRepliesAreDeterministic) {
  RespOptions options;
  options.sorted_replies = true;
  RespFactory factory(options, nullptr);
  SessionDriver d(factory.NewSession());
  d.Feed("SADD s c a b\r\nHSET h z 1 y 2\r\nSET k2 v\r\nSET k1 v\r\n");
  EXPECT_EQ(d.Feed("SMEMBERS s\r\n"), "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
  EXPECT_EQ(d.Feed("HGETALL h\r\n"), "*4\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n1\r\n");
  EXPECT_EQ(d.Feed("KEYS k*\r\n"), "*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n");
  EXPECT_EQ(d.Feed("SPOP s\r\n"), "$1\r\na\r\n");
}

// --loops: two loops' factories on one shared Dataset, each on its own thread.
TEST(RespKeyspaceTest, SharedDatasetKeepsCommandsAtomicAcrossThreads) {
  Dataset dataset(/*shared=*/true);
  constexpr int kThreads = 2;
  constexpr int kIncrs = 20000;
  std::vector<std::unique_ptr<RespFactory>> factories;
  for (int i = 0; i < kThreads; ++i) {
    factories.push_back(std::make_unique<RespFactory>(RespOptions{}, nullptr, nullptr, &dataset));
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<reactor::Protocol> session = factories[t]->NewSession();
      const std::string batch = Repeat("INCR n\r\nRPUSH l x\r\n", 100);
      for (int i = 0; i < kIncrs / 100; ++i) {
        reactor::OutputQueue queue;
        reactor::Output output(queue, reactor::kDefaultOutputBudgetBytes);
        session->OnInput(batch, output);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  SessionDriver d(factories[0]->NewSession());
  EXPECT_EQ(d.Feed("GET n\r\n"), "$5\r\n40000\r\n");
  EXPECT_EQ(d.Feed("LLEN l\r\n"), ":40000\r\n");
}

}  // namespace
}  // namespace server
