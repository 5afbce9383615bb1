// LatencyHistogram: a log-linear histogram of nanosecond latencies, equivalent to HdrHistogram
// with 3 significant digits, whose merge is exact (counts are summed, never percentiles averaged).
#ifndef CLIENT_LATENCY_HISTOGRAM_H_
#define CLIENT_LATENCY_HISTOGRAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"

namespace client {

// Values are nanoseconds. Each power-of-two range [2^k, 2^(k+1)) above 2048 ns is split into 1024
// equal sub-buckets, so a value is known to within 1/1024 (< 0.1%) of itself; values below
// 2048 ns are exact. The tracked range is 0 to 2^41 ns (about 36 minutes); larger values are
// counted as overflow (their count, sum and the exact max are kept), never dropped.
//
//   LatencyHistogram h;
//   h.Record(end_nanos - start_nanos);   // O(1), no allocation
//   int64_t p99 = h.ValueAtPercentile(99.0);
//
// The counts array (256 KiB) is allocated once, at construction.
class LatencyHistogram {
 public:
  static constexpr int kSubBucketHalfBits = 10;
  static constexpr int64_t kSubBucketHalf = int64_t{1} << kSubBucketHalfBits;  // 1024
  static constexpr int64_t kSubBucketCount = kSubBucketHalf * 2;               // 2048
  static constexpr int kMaxValueBits = 41;
  // Values at or above this are overflow.
  static constexpr int64_t kMaxTrackableNanos = int64_t{1} << kMaxValueBits;
  // (buckets + 1) * half: the index of the first value past the range.
  static constexpr size_t kCountsLength =
      static_cast<size_t>(kMaxValueBits - kSubBucketHalfBits - 1 + 2) * kSubBucketHalf;

  LatencyHistogram();
  LatencyHistogram(const LatencyHistogram& other);
  LatencyHistogram& operator=(const LatencyHistogram& other);
  LatencyHistogram(LatencyHistogram&&) noexcept = default;
  LatencyHistogram& operator=(LatencyHistogram&&) noexcept = default;

  // Records one value. Negative values (a clock that went backwards) count as 0.
  void Record(int64_t nanos) { RecordN(nanos, 1); }
  void RecordN(int64_t nanos, uint64_t n);
  // Adds every count of `other`: the result equals one histogram of both inputs.
  void Merge(const LatencyHistogram& other);
  void Reset();

  // Values recorded, including overflow.
  uint64_t count() const { return total_count_; }
  uint64_t overflow_count() const { return overflow_count_; }
  int64_t min() const { return total_count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  // Exact: the sum of the recorded values over their number.
  double Mean() const;
  // From the bucket midpoints (overflow values at the max): within the histogram's precision.
  double StdDev() const;
  // The value of rank max(1, ceil(nextafter(percentile, -inf) / 100 * count())) in sorted order
  // (HdrHistogram's rule), reported as the highest value of its bucket (so never understated) and
  // never above max(). 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;
  // The rank (1-based, in sorted order) that `percentile` names among `total` values:
  // max(1, ceil(nextafter(percentile, -inf) / 100 * total)). Everything that reads a percentile
  // off a histogram uses this one rule.
  static uint64_t RankAtPercentile(double percentile, uint64_t total);

  // The compact form, for JSON and per-second series: only the non-zero buckets.
  struct Snapshot {
    std::vector<std::pair<uint32_t, uint64_t>> buckets;  // (index, count), in index order
    uint64_t overflow_count = 0;
    uint64_t overflow_sum_nanos = 0;
    absl::uint128 sum_nanos = 0;
    int64_t min = 0;
    int64_t max = 0;
  };
  Snapshot ToSnapshot() const;
  // Adds a snapshot's counts (an exact merge). Fails on an index out of range or bad min/max.
  absl::Status AddSnapshot(const Snapshot& snapshot);

  static size_t IndexOf(int64_t nanos);
  // The lowest and highest value that land in bucket `index`.
  static int64_t LowestEquivalent(size_t index);
  static int64_t HighestEquivalent(size_t index);

  bool operator==(const LatencyHistogram& other) const;

 private:
  std::unique_ptr<uint64_t[]> counts_;
  uint64_t total_count_ = 0;
  uint64_t overflow_count_ = 0;
  uint64_t overflow_sum_ = 0;
  // Exact: 2^64 values of 2^64 ns each cannot overflow it, and integer adds are cheaper than
  // long double ones on the record path.
  absl::uint128 sum_ = 0;
  int64_t min_ = INT64_MAX;
  int64_t max_ = 0;
};

}  // namespace client

#endif  // CLIENT_LATENCY_HISTOGRAM_H_
