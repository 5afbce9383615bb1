// Ranges of a SortedSet by score and by member (Redis's ZRANGE BYSCORE / BYLEX, ZCOUNT,
// ZLEXCOUNT) and the one walk that serves them all, forward or reversed, with an offset and a
// limit. Parsing the bounds from text is the caller's (the protocol's) business.
#ifndef KEYSPACE_SORTED_SET_RANGE_H_
#define KEYSPACE_SORTED_SET_RANGE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "keyspace/sorted_set.h"

namespace keyspace {

using SortedSetEntry = SortedSet::Order::value_type;

// min <= score <= max, either end exclusive. Never NaN.
struct ScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;

  bool AboveMin(const SortedSetEntry& entry) const {
    return min_exclusive ? entry.first > min : entry.first >= min;
  }
  bool BelowMax(const SortedSetEntry& entry) const {
    return max_exclusive ? entry.first < max : entry.first <= max;
  }
};

// One end of a range of members: a member (inclusive or not), or below or above every member
// (Redis's "-" and "+").
struct LexBound {
  enum class Kind { kBelowAll, kMember, kAboveAll };
  Kind kind = Kind::kMember;
  std::string member;
  bool exclusive = false;

  // <0, 0 or >0 as this bound sorts before, at or after `member` (bytes compared unsigned).
  int CompareTo(std::string_view member) const;
};

// Members between two bounds. Meaningful, as in Redis, when every score is the same: members
// then sort by their bytes. With mixed scores the answer is Redis's for a small set: the walk
// is in (score, member) order and checks only the bound ahead of it.
struct LexRange {
  LexBound min;
  LexBound max;

  bool AboveMin(const SortedSetEntry& entry) const {
    const int c = min.CompareTo(entry.second);
    return min.exclusive ? c < 0 : c <= 0;
  }
  bool BelowMax(const SortedSetEntry& entry) const {
    const int c = max.CompareTo(entry.second);
    return max.exclusive ? c > 0 : c >= 0;
  }
  // The bounds themselves leave nothing between them (min above max, or equal and exclusive).
  bool Empty() const;
};

// The first (lowest) entry in `range`, or order.end().
SortedSet::Order::const_iterator FirstInRange(const SortedSet::Order& order,
                                              const ScoreRange& range);
SortedSet::Order::const_iterator FirstInRange(const SortedSet::Order& order, const LexRange& range);
// The last (highest) entry in `range`, or order.end().
SortedSet::Order::const_iterator LastInRange(const SortedSet::Order& order,
                                             const ScoreRange& range);
SortedSet::Order::const_iterator LastInRange(const SortedSet::Order& order, const LexRange& range);

// Calls visit(entry) for the entries of `range` in order (highest first if `reverse`), after
// skipping `offset` of them, at most `limit` (negative: no limit). A negative offset visits
// nothing, as in Redis. Returns how many were visited.
template <typename Range, typename Visit>
size_t VisitRange(const SortedSet::Order& order, const Range& range, bool reverse, int64_t offset,
                  int64_t limit, Visit visit) {
  if (offset < 0) return 0;
  auto it = reverse ? LastInRange(order, range) : FirstInRange(order, range);
  if (it == order.end()) return 0;
  // Steps towards the far bound; false when there is no next entry.
  auto step = [&] {
    if (!reverse) return ++it != order.end();
    if (it == order.begin()) return false;
    --it;
    return true;
  };
  // The skipped entries are not checked against the far bound: the first visited one is.
  for (int64_t i = 0; i < offset; ++i) {
    if (!step()) return 0;
  }
  size_t visited = 0;
  while (limit < 0 || static_cast<int64_t>(visited) < limit) {
    if (reverse ? !range.AboveMin(*it) : !range.BelowMax(*it)) break;
    visit(*it);
    ++visited;
    if (!step()) break;
  }
  return visited;
}

}  // namespace keyspace

#endif  // KEYSPACE_SORTED_SET_RANGE_H_
