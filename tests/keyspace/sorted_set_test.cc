// SortedSet: order by score then member bytes, updates that move a member, pops from both ends.
#include "keyspace/sorted_set.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace keyspace {
namespace {

std::vector<std::string> Members(const SortedSet& set) {
  std::vector<std::string> members;
  for (const auto& [score, member] : set.order()) members.push_back(member);
  return members;
}

TEST(SortedSetTest, OrderedByScoreThenMemberBytes) {
  SortedSet set;
  EXPECT_TRUE(set.Set("b", 1));
  EXPECT_TRUE(set.Set("a", 1));
  EXPECT_TRUE(set.Set("\xff", 0));  // bytes compare unsigned: high bytes sort last at equal score
  EXPECT_TRUE(set.Set("z", 1));
  EXPECT_TRUE(set.Set("\x01", 1));
  EXPECT_TRUE(set.Set("neg", -2.5));
  EXPECT_EQ(Members(set), (std::vector<std::string>{"neg", "\xff", "\x01", "a", "b", "z"}));
}

TEST(SortedSetTest, UpdateMovesTheMember) {
  SortedSet set;
  set.Set("a", 1);
  set.Set("b", 2);
  EXPECT_FALSE(set.Set("a", 3));
  EXPECT_EQ(set.Score("a"), 3);
  EXPECT_EQ(Members(set), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.order().size(), 2u);
  EXPECT_FALSE(set.Set("a", 3));  // same score: nothing moves
  EXPECT_EQ(set.order().size(), 2u);
}

TEST(SortedSetTest, EraseAndPop) {
  SortedSet set;
  for (int i = 0; i < 5; ++i) set.Set(std::to_string(i), i);
  EXPECT_TRUE(set.Erase("2"));
  EXPECT_FALSE(set.Erase("2"));
  EXPECT_EQ(set.Score("2"), std::nullopt);
  EXPECT_EQ(set.PopMin(), std::make_pair(0.0, std::string("0")));
  EXPECT_EQ(set.PopMax(), std::make_pair(4.0, std::string("4")));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(Members(set), (std::vector<std::string>{"1", "3"}));
}

}  // namespace
}  // namespace keyspace
