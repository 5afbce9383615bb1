// SortedSet: the member map and the ordered index kept in step (see sorted_set.h).
#include "keyspace/sorted_set.h"

namespace keyspace {

std::optional<double> SortedSet::Score(std::string_view member) const {
  auto it = scores_.find(member);
  if (it == scores_.end()) return std::nullopt;
  return it->second;
}

bool SortedSet::Set(std::string_view member, double score) {
  auto [it, added] = scores_.try_emplace(member, score);
  if (!added) {
    if (it->second == score) return false;
    auto node = order_.extract(std::make_pair(it->second, std::string(member)));
    it->second = score;
    node.value().first = score;
    order_.insert(std::move(node));
    return false;
  }
  order_.emplace(score, std::string(member));
  return true;
}

bool SortedSet::Erase(std::string_view member) {
  auto it = scores_.find(member);
  if (it == scores_.end()) return false;
  order_.erase(std::make_pair(it->second, std::string(member)));
  scores_.erase(it);
  return true;
}

std::pair<double, std::string> SortedSet::PopMin() {
  auto node = order_.extract(order_.begin());
  scores_.erase(node.value().second);
  return std::move(node.value());
}

std::pair<double, std::string> SortedSet::PopMax() {
  auto node = order_.extract(std::prev(order_.end()));
  scores_.erase(node.value().second);
  return std::move(node.value());
}

}  // namespace keyspace
