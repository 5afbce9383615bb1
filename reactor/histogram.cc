// Histogram: the reader's side (count, sums over loops).
#include "reactor/histogram.h"

namespace reactor {

uint64_t Histogram::count() const {
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) total += buckets_[i].value();
  return total;
}

void Histogram::Add(const Histogram& other) {
  for (size_t i = 0; i <= bounds_.size() && i <= other.bounds_.size(); ++i) {
    buckets_[i] += other.buckets_[i].value();
  }
  sum_ += other.sum_.value();
}

}  // namespace reactor
