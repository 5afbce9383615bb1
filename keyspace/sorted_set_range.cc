// Finding where a score or member range starts and ends in a SortedSet's (score, member) order.
#include "keyspace/sorted_set_range.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace keyspace {
namespace {

using Order = SortedSet::Order;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The first entry whose score is at least `score`.
Order::const_iterator FirstScoreAtLeast(const Order& order, double score) {
  return order.lower_bound(SortedSetEntry(score, std::string()));
}

// The first entry whose score is above `score`: at least the next double up, since none lies
// between the two (+inf has none above).
Order::const_iterator FirstScoreAbove(const Order& order, double score) {
  if (score == kInfinity) return order.end();
  return FirstScoreAtLeast(order, std::nextafter(score, kInfinity));
}

// Every entry has one score, so members are in byte order and a member bound can be searched.
bool OneScore(const Order& order) { return order.begin()->first == order.rbegin()->first; }

// What Redis checks before it walks a small set: the last entry is not below min and the first
// is not above max (with one score: some member can be in range).
bool MayHoldLexRange(const Order& order, const LexRange& range) {
  return !order.empty() && !range.Empty() && range.AboveMin(*order.rbegin()) &&
         range.BelowMax(*order.begin());
}

}  // namespace

int LexBound::CompareTo(std::string_view other) const {
  switch (kind) {
    case Kind::kBelowAll:
      return -1;
    case Kind::kAboveAll:
      return 1;
    case Kind::kMember:
      break;
  }
  const int c = std::string_view(member).compare(other);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool LexRange::Empty() const {
  int c;
  if (min.kind == max.kind && min.kind != LexBound::Kind::kMember) {
    c = 0;
  } else if (min.kind == LexBound::Kind::kBelowAll || max.kind == LexBound::Kind::kAboveAll) {
    c = -1;
  } else if (min.kind == LexBound::Kind::kAboveAll || max.kind == LexBound::Kind::kBelowAll) {
    c = 1;
  } else {
    c = min.CompareTo(max.member);
  }
  return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
}

Order::const_iterator FirstInRange(const Order& order, const ScoreRange& range) {
  const auto it =
      range.min_exclusive ? FirstScoreAbove(order, range.min) : FirstScoreAtLeast(order, range.min);
  if (it == order.end() || !range.BelowMax(*it)) return order.end();
  return it;
}

Order::const_iterator LastInRange(const Order& order, const ScoreRange& range) {
  const auto beyond =
      range.max_exclusive ? FirstScoreAtLeast(order, range.max) : FirstScoreAbove(order, range.max);
  if (beyond == order.begin()) return order.end();
  const auto it = std::prev(beyond);
  if (!range.AboveMin(*it)) return order.end();
  return it;
}

Order::const_iterator FirstInRange(const Order& order, const LexRange& range) {
  if (!MayHoldLexRange(order, range)) return order.end();
  Order::const_iterator it;
  if (!OneScore(order)) {
    // Mixed scores: members are not in byte order; walk as Redis walks a small set.
    it = std::find_if(order.begin(), order.end(),
                      [&](const SortedSetEntry& entry) { return range.AboveMin(entry); });
  } else if (range.min.kind == LexBound::Kind::kMember) {
    const SortedSetEntry key(order.begin()->first, range.min.member);
    it = range.min.exclusive ? order.upper_bound(key) : order.lower_bound(key);
  } else {
    it = order.begin();  // below all (above all left nothing: MayHoldLexRange)
  }
  if (it == order.end() || !range.BelowMax(*it)) return order.end();
  return it;
}

Order::const_iterator LastInRange(const Order& order, const LexRange& range) {
  if (!MayHoldLexRange(order, range)) return order.end();
  Order::const_iterator it;
  if (!OneScore(order)) {
    const auto from_end =
        std::find_if(order.rbegin(), order.rend(),
                     [&](const SortedSetEntry& entry) { return range.BelowMax(entry); });
    if (from_end == order.rend()) return order.end();
    it = std::prev(from_end.base());
  } else {
    Order::const_iterator beyond = order.end();
    if (range.max.kind == LexBound::Kind::kMember) {
      const SortedSetEntry key(order.begin()->first, range.max.member);
      beyond = range.max.exclusive ? order.lower_bound(key) : order.upper_bound(key);
    }
    if (beyond == order.begin()) return order.end();
    it = std::prev(beyond);
  }
  if (!range.AboveMin(*it)) return order.end();
  return it;
}

}  // namespace keyspace
