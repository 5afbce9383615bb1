// LatencyHistogram: HdrHistogram's bucket arithmetic over a fixed counts array.
#include "client/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"

namespace client {

LatencyHistogram::LatencyHistogram() : counts_(new uint64_t[kCountsLength]()) {}

LatencyHistogram::LatencyHistogram(const LatencyHistogram& other)
    : counts_(new uint64_t[kCountsLength]) {
  *this = other;
}

LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& other) {
  if (this == &other) return *this;
  if (counts_ == nullptr) counts_.reset(new uint64_t[kCountsLength]);
  std::memcpy(counts_.get(), other.counts_.get(), kCountsLength * sizeof(uint64_t));
  total_count_ = other.total_count_;
  overflow_count_ = other.overflow_count_;
  overflow_sum_ = other.overflow_sum_;
  sum_ = other.sum_;
  min_ = other.min_;
  max_ = other.max_;
  return *this;
}

size_t LatencyHistogram::IndexOf(int64_t nanos) {
  const uint64_t v = static_cast<uint64_t>(nanos);
  // The power-of-two bucket: 0 for values below 2048, which all get exact sub-buckets.
  const int bucket = (64 - std::countl_zero(v | (kSubBucketCount - 1))) - (kSubBucketHalfBits + 1);
  const uint64_t sub_bucket = v >> bucket;  // in [1024, 2048) for bucket > 0
  return (static_cast<size_t>(bucket + 1) << kSubBucketHalfBits) + sub_bucket - kSubBucketHalf;
}

int64_t LatencyHistogram::LowestEquivalent(size_t index) {
  int bucket = static_cast<int>(index >> kSubBucketHalfBits) - 1;
  int64_t sub_bucket = static_cast<int64_t>(index & (kSubBucketHalf - 1)) + kSubBucketHalf;
  if (bucket < 0) {
    bucket = 0;
    sub_bucket -= kSubBucketHalf;
  }
  return sub_bucket << bucket;
}

int64_t LatencyHistogram::HighestEquivalent(size_t index) {
  const int bucket = std::max(0, static_cast<int>(index >> kSubBucketHalfBits) - 1);
  return LowestEquivalent(index) + (int64_t{1} << bucket) - 1;
}

void LatencyHistogram::RecordN(int64_t nanos, uint64_t n) {
  if (n == 0) return;
  if (nanos < 0) nanos = 0;
  if (nanos >= kMaxTrackableNanos) {
    overflow_count_ += n;
    overflow_sum_ += static_cast<uint64_t>(nanos) * n;
  } else {
    counts_[IndexOf(nanos)] += n;
  }
  total_count_ += n;
  sum_ += absl::uint128(static_cast<uint64_t>(nanos)) * n;
  min_ = std::min(min_, nanos);
  max_ = std::max(max_, nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.total_count_ == 0) return;
  for (size_t i = 0; i < kCountsLength; ++i) counts_[i] += other.counts_[i];
  total_count_ += other.total_count_;
  overflow_count_ += other.overflow_count_;
  overflow_sum_ += other.overflow_sum_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::Reset() {
  std::memset(counts_.get(), 0, kCountsLength * sizeof(uint64_t));
  total_count_ = overflow_count_ = overflow_sum_ = 0;
  sum_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
}

double LatencyHistogram::Mean() const {
  return total_count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(total_count_);
}

double LatencyHistogram::StdDev() const {
  if (total_count_ == 0) return 0.0;
  const double mean = Mean();
  long double squares = 0;
  for (size_t i = 0; i < kCountsLength; ++i) {
    if (counts_[i] == 0) continue;
    const double mid = (LowestEquivalent(i) + HighestEquivalent(i)) / 2.0;
    squares += static_cast<long double>(counts_[i]) * (mid - mean) * (mid - mean);
  }
  if (overflow_count_ > 0) {
    const double v = static_cast<double>(overflow_sum_) / overflow_count_;
    squares += static_cast<long double>(overflow_count_) * (v - mean) * (v - mean);
  }
  return std::sqrt(static_cast<double>(squares / total_count_));
}

uint64_t LatencyHistogram::RankAtPercentile(double percentile, uint64_t total) {
  // HdrHistogram's current rule: ceil(p / 100 * n), with p first moved one step down (nextafter)
  // so that the floating-point error of the product (99.9 / 100 * 1000 = 999.0000000000001)
  // does not push an exact rank to the next one. Rounding to the nearest rank instead
  // under-reports by up to half a rank.
  percentile = std::clamp(percentile, 0.0, 100.0);
  const double rank =
      std::ceil(std::nextafter(percentile, -std::numeric_limits<double>::infinity()) / 100.0 *
                static_cast<double>(total));
  return std::clamp<uint64_t>(static_cast<uint64_t>(std::max(rank, 0.0)), 1,
                              std::max<uint64_t>(total, 1));
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (total_count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  const uint64_t target = RankAtPercentile(percentile, total_count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < kCountsLength; ++i) {
    seen += counts_[i];
    if (seen >= target) return std::min(HighestEquivalent(i), max_);
  }
  return max_;  // the rank lies among the overflow values
}

LatencyHistogram::Snapshot LatencyHistogram::ToSnapshot() const {
  Snapshot out;
  for (size_t i = 0; i < kCountsLength; ++i) {
    if (counts_[i] != 0) out.buckets.emplace_back(static_cast<uint32_t>(i), counts_[i]);
  }
  out.overflow_count = overflow_count_;
  out.overflow_sum_nanos = overflow_sum_;
  out.sum_nanos = sum_;
  out.min = min();
  out.max = max_;
  return out;
}

absl::Status LatencyHistogram::AddSnapshot(const Snapshot& snapshot) {
  uint64_t added = snapshot.overflow_count;
  for (const auto& [index, count] : snapshot.buckets) {
    if (index >= kCountsLength) {
      return absl::InvalidArgumentError(absl::StrCat(
          "histogram bucket index ", index, " is out of range (0-", kCountsLength - 1, ")"));
    }
    added += count;
  }
  if (added == 0) return absl::OkStatus();
  if (snapshot.min < 0 || snapshot.max < snapshot.min) {
    return absl::InvalidArgumentError(
        absl::StrCat("histogram min ", snapshot.min, " / max ", snapshot.max, " are inconsistent"));
  }
  for (const auto& [index, count] : snapshot.buckets) counts_[index] += count;
  total_count_ += added;
  overflow_count_ += snapshot.overflow_count;
  overflow_sum_ += snapshot.overflow_sum_nanos;
  sum_ += snapshot.sum_nanos;
  min_ = std::min(min_, snapshot.min);
  max_ = std::max(max_, snapshot.max);
  return absl::OkStatus();
}

bool LatencyHistogram::operator==(const LatencyHistogram& other) const {
  return total_count_ == other.total_count_ && overflow_count_ == other.overflow_count_ &&
         overflow_sum_ == other.overflow_sum_ && sum_ == other.sum_ && min() == other.min() &&
         max_ == other.max_ &&
         std::memcmp(counts_.get(), other.counts_.get(), kCountsLength * sizeof(uint64_t)) == 0;
}

}  // namespace client
