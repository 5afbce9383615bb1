// SortedSet: Redis's zset. Members map to scores for O(1) ZSCORE, and an ordered index by
// (score, member) serves ranges and pops, as Redis's dict + skiplist pair does.
#ifndef KEYSPACE_SORTED_SET_H_
#define KEYSPACE_SORTED_SET_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/btree_set.h"
#include "keyspace/bytes_hash.h"

namespace keyspace {

class SortedSet {
 public:
  // Score first, then member by bytes (std::string compares as unsigned char, as memcmp does):
  // Redis's order.
  using Order = absl::btree_set<std::pair<double, std::string>>;

  size_t size() const { return scores_.size(); }
  std::optional<double> Score(std::string_view member) const;
  // Adds `member` or moves it to `score`. Returns true if it was added. `score` is never NaN.
  bool Set(std::string_view member, double score);
  bool Erase(std::string_view member);
  // Removes and returns the lowest (score, member). Requires size() > 0.
  std::pair<double, std::string> PopMin();
  std::pair<double, std::string> PopMax();
  const Order& order() const { return order_; }

 private:
  BytesMap<double> scores_;
  Order order_;
};

}  // namespace keyspace

#endif  // KEYSPACE_SORTED_SET_H_
