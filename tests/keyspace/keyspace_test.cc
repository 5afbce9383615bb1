// Keyspace: lookups, types, deadlines with lazy expiry, and the bounded active expiry cycle, on
// a clock the test moves.
#include "keyspace/keyspace.h"

#include <string>

#include "gtest/gtest.h"

namespace keyspace {
namespace {

int64_t fake_now = 1000000;
int64_t FakeClock() { return fake_now; }

class KeyspaceTest : public ::testing::Test {
 protected:
  void SetUp() override { fake_now = 1000000; }
  Keyspace keys_{&FakeClock};
};

TEST_F(KeyspaceTest, StringsAndTypes) {
  EXPECT_EQ(keys_.Find("k"), nullptr);
  keys_.SetString("k", "v", false);
  ASSERT_NE(keys_.Find("k"), nullptr);
  EXPECT_EQ(keys_.Find("k")->type(), Type::kString);
  EXPECT_EQ(keys_.Find("k")->string(), "v");
  auto [list, created] = keys_.FindOrCreate("l", Type::kList);
  EXPECT_TRUE(created);
  list->list().push_back("x");
  auto [again, created_again] = keys_.FindOrCreate("l", Type::kSet);
  EXPECT_FALSE(created_again);
  EXPECT_EQ(again->type(), Type::kList);  // the caller reports WRONGTYPE
  // SET over a list replaces it.
  keys_.SetString("l", "now a string", false);
  EXPECT_EQ(keys_.Find("l")->type(), Type::kString);
  EXPECT_EQ(keys_.size(), 2u);
  EXPECT_TRUE(keys_.Erase("k"));
  EXPECT_FALSE(keys_.Erase("k"));
  EXPECT_EQ(keys_.size(), 1u);
}

TEST_F(KeyspaceTest, BinaryKeys) {
  const std::string key("a\0b", 3);
  keys_.SetString(key, std::string("\0\xff", 2), false);
  EXPECT_EQ(keys_.Find("a"), nullptr);
  ASSERT_NE(keys_.Find(key), nullptr);
  EXPECT_EQ(keys_.Find(key)->string(), std::string("\0\xff", 2));
}

TEST_F(KeyspaceTest, EmptyAggregatesAreErased) {
  keys_.FindOrCreate("l", Type::kList);
  keys_.EraseIfEmpty("l");
  EXPECT_EQ(keys_.Find("l"), nullptr);
  keys_.SetString("s", "", false);
  keys_.EraseIfEmpty("s");  // an empty string is a value
  EXPECT_NE(keys_.Find("s"), nullptr);
}

TEST_F(KeyspaceTest, LazyExpiryAtTheDeadlineExactlyAsRedis) {
  keys_.SetString("k", "v", false);
  keys_.SetDeadline("k", fake_now + 100);
  EXPECT_EQ(keys_.DeadlineOf("k"), fake_now + 100);
  EXPECT_EQ(keys_.keys_with_deadline(), 1u);
  fake_now += 100;  // now == deadline: still there (Redis expires when now > deadline)
  EXPECT_NE(keys_.Find("k"), nullptr);
  fake_now += 1;
  EXPECT_EQ(keys_.Find("k"), nullptr);
  EXPECT_EQ(keys_.size(), 0u);
  EXPECT_EQ(keys_.keys_with_deadline(), 0u);
}

TEST_F(KeyspaceTest, SetDropsOrKeepsTheDeadline) {
  keys_.SetString("k", "v", false);
  keys_.SetDeadline("k", fake_now + 100);
  keys_.SetString("k", "w", /*keep_deadline=*/true);
  EXPECT_EQ(keys_.DeadlineOf("k"), fake_now + 100);
  keys_.SetString("k", "x", /*keep_deadline=*/false);
  EXPECT_EQ(keys_.DeadlineOf("k"), -1);
  EXPECT_EQ(keys_.keys_with_deadline(), 0u);
  keys_.SetDeadline("k", fake_now + 5);
  EXPECT_TRUE(keys_.ClearDeadline("k"));
  EXPECT_FALSE(keys_.ClearDeadline("k"));
  fake_now += 10;
  EXPECT_NE(keys_.Find("k"), nullptr);
}

TEST_F(KeyspaceTest, ForEachLiveKeySkipsExpired) {
  keys_.SetString("a", "1", false);
  keys_.SetString("b", "2", false);
  keys_.SetDeadline("b", fake_now + 1);
  fake_now += 2;
  int seen = 0;
  keys_.ForEachLiveKey([&](std::string_view key) {
    EXPECT_EQ(key, "a");
    ++seen;
  });
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(keys_.size(), 2u);  // not reclaimed yet: DBSIZE counts it, as Redis's does
}

TEST_F(KeyspaceTest, ExpireCycleReclaimsOnlyExpiredKeysSoonestFirst) {
  for (int i = 0; i < 100; ++i) {
    const std::string key = "k" + std::to_string(i);
    keys_.SetString(key, "v", false);
    keys_.SetDeadline(key, fake_now + 1 + i);
  }
  keys_.SetString("forever", "v", false);
  fake_now += 50;  // k0..k48 are past their deadline (now > deadline)
  Keyspace::CycleResult result = keys_.ExpireCycle(1000000000);
  EXPECT_EQ(result.expired, 49u);
  EXPECT_FALSE(result.more);
  EXPECT_EQ(keys_.size(), 52u);
  EXPECT_EQ(keys_.Find("k48"), nullptr);
  EXPECT_NE(keys_.Find("k49"), nullptr);
  EXPECT_EQ(keys_.keys_with_deadline(), 51u);
}

TEST_F(KeyspaceTest, ExpireCycleStopsAtItsBudget) {
  for (int i = 0; i < 10000; ++i) {
    const std::string key = "k" + std::to_string(i);
    keys_.SetString(key, "v", false);
    keys_.SetDeadline(key, fake_now + 1);
  }
  fake_now += 2;
  // A zero budget still makes progress (one batch), and says there is more.
  Keyspace::CycleResult result = keys_.ExpireCycle(0);
  EXPECT_GT(result.expired, 0u);
  EXPECT_LT(result.expired, 10000u);
  EXPECT_TRUE(result.more);
  size_t total = result.expired;
  while (result.more) {
    result = keys_.ExpireCycle(0);
    total += result.expired;
  }
  EXPECT_EQ(total, 10000u);
  EXPECT_EQ(keys_.size(), 0u);
}

TEST_F(KeyspaceTest, AverageTtl) {
  EXPECT_EQ(keys_.AverageTtlMillis(), 0);
  keys_.SetString("a", "v", false);
  keys_.SetString("b", "v", false);
  keys_.SetDeadline("a", fake_now + 1000);
  keys_.SetDeadline("b", fake_now + 3000);
  EXPECT_EQ(keys_.AverageTtlMillis(), 2000);
  keys_.Erase("b");
  EXPECT_EQ(keys_.AverageTtlMillis(), 1000);
  keys_.Clear();
  EXPECT_EQ(keys_.AverageTtlMillis(), 0);
  EXPECT_EQ(keys_.keys_with_deadline(), 0u);
}

}  // namespace
}  // namespace keyspace
