// Histogram: counts of values in fixed buckets, kept with Counters so a loop records without
// locks or allocation and any thread may read; for loop iteration times and requests per wakeup.
#ifndef REACTOR_HISTOGRAM_H_
#define REACTOR_HISTOGRAM_H_

#include <cassert>
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "reactor/counter.h"

namespace reactor {

// Buckets are given by inclusive upper bounds, in ascending order, in static storage; one more
// bucket (the overflow, Prometheus's le="+Inf") takes everything above the last bound.
//
//   static constexpr uint64_t kBounds[] = {1, 2, 4};
//   Histogram h(kBounds);
//   h.Record(3);  // the "<= 4" bucket
class Histogram {
 public:
  static constexpr size_t kMaxBounds = 24;

  explicit Histogram(absl::Span<const uint64_t> bounds) : bounds_(bounds) {
    assert(bounds.size() <= kMaxBounds);
  }

  // Writer's thread only. A linear scan: with a couple of dozen bounds it is a few predictable
  // compares, cheaper than anything cleverer.
  void Record(uint64_t value) {
    size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    ++buckets_[i];
    sum_ += value;
  }

  absl::Span<const uint64_t> bounds() const { return bounds_; }
  // Values in bucket `i` alone (not cumulative); i == bounds().size() is the overflow bucket.
  uint64_t bucket(size_t i) const { return buckets_[i].value(); }
  uint64_t sum() const { return sum_.value(); }
  uint64_t count() const;

  // Adds another histogram with the same bounds (another loop's).
  void Add(const Histogram& other);

 private:
  absl::Span<const uint64_t> bounds_;
  Counter buckets_[kMaxBounds + 1];
  Counter sum_;
};

}  // namespace reactor

#endif  // REACTOR_HISTOGRAM_H_
