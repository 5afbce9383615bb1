// Score and member ranges of a SortedSet: where they start and end, both ends inclusive or not,
// the infinities, walks in either direction with an offset and a limit, and member ranges over
// one score (searched) and over mixed scores (walked as Redis walks a small set).
#include "keyspace/sorted_set_range.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace keyspace {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

template <typename Range>
std::vector<std::string> Walk(const SortedSet& set, const Range& range, bool reverse = false,
                              int64_t offset = 0, int64_t limit = -1) {
  std::vector<std::string> members;
  const size_t visited = VisitRange(set.order(), range, reverse, offset, limit,
                                    [&](const SortedSetEntry& e) { members.push_back(e.second); });
  EXPECT_EQ(visited, members.size());
  return members;
}

using Members = std::vector<std::string>;

ScoreRange Scores(double min, double max, bool min_exclusive = false, bool max_exclusive = false) {
  return ScoreRange{min, max, min_exclusive, max_exclusive};
}

LexBound Below() { return LexBound{LexBound::Kind::kBelowAll, "", true}; }
LexBound Above() { return LexBound{LexBound::Kind::kAboveAll, "", true}; }
LexBound At(std::string member) { return LexBound{LexBound::Kind::kMember, member, false}; }
LexBound After(std::string member) { return LexBound{LexBound::Kind::kMember, member, true}; }

class ScoreRangeTest : public ::testing::Test {
 protected:
  ScoreRangeTest() {
    set_.Set("lo", -kInf);
    set_.Set("a", 1);
    set_.Set("b", 2);
    set_.Set("bb", 2);
    set_.Set("c", 3);
    set_.Set("hi", kInf);
  }
  SortedSet set_;
};

TEST_F(ScoreRangeTest, EndsInclusiveOrExclusive) {
  EXPECT_EQ(Walk(set_, Scores(1, 2)), (Members{"a", "b", "bb"}));
  EXPECT_EQ(Walk(set_, Scores(1, 2, true)), (Members{"b", "bb"}));
  EXPECT_EQ(Walk(set_, Scores(1, 2, false, true)), (Members{"a"}));
  EXPECT_EQ(Walk(set_, Scores(1, 3, true, true)), (Members{"b", "bb"}));
  EXPECT_EQ(Walk(set_, Scores(2, 2)), (Members{"b", "bb"}));
  EXPECT_EQ(Walk(set_, Scores(2, 2, true)), Members{});
  EXPECT_EQ(Walk(set_, Scores(3, 1)), Members{});
  EXPECT_EQ(Walk(set_, Scores(1.5, 1.9)), Members{});
}

TEST_F(ScoreRangeTest, InfinitiesAreScoresLikeAnyOther) {
  EXPECT_EQ(Walk(set_, Scores(-kInf, kInf)), (Members{"lo", "a", "b", "bb", "c", "hi"}));
  EXPECT_EQ(Walk(set_, Scores(-kInf, kInf, true, true)), (Members{"a", "b", "bb", "c"}));
  EXPECT_EQ(Walk(set_, Scores(kInf, kInf)), (Members{"hi"}));
  EXPECT_EQ(Walk(set_, Scores(kInf, kInf, true)), Members{});
  EXPECT_EQ(Walk(set_, Scores(-kInf, -kInf)), (Members{"lo"}));
  EXPECT_EQ(Walk(set_, Scores(-kInf, -kInf, false, true)), Members{});
}

TEST_F(ScoreRangeTest, ReversedFromTheTop) {
  EXPECT_EQ(Walk(set_, Scores(1, 2), true), (Members{"bb", "b", "a"}));
  EXPECT_EQ(Walk(set_, Scores(1, 2, true, false), true), (Members{"bb", "b"}));
  EXPECT_EQ(Walk(set_, Scores(1, 3, false, true), true), (Members{"bb", "b", "a"}));
  EXPECT_EQ(Walk(set_, Scores(-kInf, kInf), true), (Members{"hi", "c", "bb", "b", "a", "lo"}));
  EXPECT_EQ(Walk(set_, Scores(3, 1), true), Members{});
}

TEST_F(ScoreRangeTest, OffsetAndLimit) {
  const ScoreRange all = Scores(-kInf, kInf);
  EXPECT_EQ(Walk(set_, all, false, 1, 2), (Members{"a", "b"}));
  EXPECT_EQ(Walk(set_, all, true, 1, 2), (Members{"c", "bb"}));
  EXPECT_EQ(Walk(set_, all, false, 4, 100), (Members{"c", "hi"}));
  EXPECT_EQ(Walk(set_, all, false, 6, 1), Members{});
  EXPECT_EQ(Walk(set_, all, false, 0, 0), Members{});
  EXPECT_EQ(Walk(set_, all, false, 5, -7), (Members{"hi"}));  // any negative limit: no limit
  EXPECT_EQ(Walk(set_, all, false, -1, 2), Members{});        // a negative offset: nothing
  // The offset counts from the range's first entry and the far bound still applies.
  EXPECT_EQ(Walk(set_, Scores(1, 2), false, 2, 5), (Members{"bb"}));
  EXPECT_EQ(Walk(set_, Scores(1, 2), false, 3, 5), Members{});
}

TEST(LexRangeTest, OneScoreSearchesMembersInByteOrder) {
  SortedSet set;
  for (const char* m : {"a", "b", "bb", "c", "d", "", "\xff"}) set.Set(m, 0);
  EXPECT_EQ(Walk(set, LexRange{Below(), Above()}), (Members{"", "a", "b", "bb", "c", "d", "\xff"}));
  EXPECT_EQ(Walk(set, LexRange{At("b"), At("c")}), (Members{"b", "bb", "c"}));
  EXPECT_EQ(Walk(set, LexRange{After("b"), After("d")}), (Members{"bb", "c"}));
  EXPECT_EQ(Walk(set, LexRange{At(""), At("a")}), (Members{"", "a"}));
  EXPECT_EQ(Walk(set, LexRange{After(""), At("a")}), (Members{"a"}));
  EXPECT_EQ(Walk(set, LexRange{At("c"), At("c")}), (Members{"c"}));
  EXPECT_EQ(Walk(set, LexRange{At("c"), After("c")}), Members{});
  EXPECT_EQ(Walk(set, LexRange{At("d"), At("b")}), Members{});
  EXPECT_EQ(Walk(set, LexRange{Below(), Below()}), Members{});
  EXPECT_EQ(Walk(set, LexRange{Above(), Above()}), Members{});
  EXPECT_EQ(Walk(set, LexRange{Above(), Below()}), Members{});
  EXPECT_EQ(Walk(set, LexRange{At("b"), At("c")}, true), (Members{"c", "bb", "b"}));
  EXPECT_EQ(Walk(set, LexRange{After("a"), After("d")}, true, 1, 2), (Members{"bb", "b"}));
  EXPECT_EQ(Walk(set, LexRange{At("bz"), Above()}), (Members{"c", "d", "\xff"}));
}

// Redis documents member ranges for one score only; over mixed scores it walks a small set in
// (score, member) order from the near end and checks only the far bound after the first hit.
TEST(LexRangeTest, MixedScoresWalkInScoreOrder) {
  SortedSet set;
  set.Set("d", 1);
  set.Set("a", 2);
  set.Set("c", 3);
  set.Set("b", 4);
  // From the start: "d" is the first at or above "b"; it is above "c": nothing.
  EXPECT_EQ(Walk(set, LexRange{At("b"), At("c")}), Members{});
  // From the start: "d" is the first at or above "b"; then "a" and "c" stay below "e".
  EXPECT_EQ(Walk(set, LexRange{At("b"), At("e")}), (Members{"d", "a", "c", "b"}));
  // From the end: "b" is the last at or below "e"; walking down, the rest stay at or above "a".
  EXPECT_EQ(Walk(set, LexRange{At("a"), At("e")}, true), (Members{"b", "c", "a", "d"}));
  // The first entry is above max: nothing, whatever comes after it.
  EXPECT_EQ(Walk(set, LexRange{At("a"), At("c")}, true), Members{});
  // The last entry is below min: nothing, whatever comes before it.
  EXPECT_EQ(Walk(set, LexRange{At("c"), Above()}), Members{});
}

}  // namespace
}  // namespace keyspace
