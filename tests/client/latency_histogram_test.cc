// LatencyHistogram: precision across the whole range, percentiles, overflow, and exact merge.
#include "client/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "gtest/gtest.h"

namespace client {
namespace {

TEST(LatencyHistogramTest, EveryValueComesBackWithin0Point1Percent) {
  // Log-uniform values from 1 us to 100 s: each recorded alone must be reported, as p100 and as
  // max-clamped bucket value, within 0.1% of itself.
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> exponent(3.0, 11.0);  // 10^3 ns .. 10^11 ns
  LatencyHistogram h;
  for (int i = 0; i < 3000; ++i) {
    const int64_t v = static_cast<int64_t>(std::pow(10.0, exponent(rng)));
    const size_t index = LatencyHistogram::IndexOf(v);
    const int64_t low = LatencyHistogram::LowestEquivalent(index);
    const int64_t high = LatencyHistogram::HighestEquivalent(index);
    ASSERT_LE(low, v);
    ASSERT_GE(high, v);
    ASSERT_LE(static_cast<double>(high - low) / v, 0.001) << v;
    h.Reset();
    h.Record(v);
    h.Record(1);  // so that the percentile, not just max, is exercised
    const int64_t p = h.ValueAtPercentile(100);
    ASSERT_LE(std::abs(static_cast<double>(p - v)) / v, 0.001) << v;
    const int64_t p99 = h.ValueAtPercentile(99);
    ASSERT_LE(std::abs(static_cast<double>(p99 - v)) / v, 0.001) << v;
  }
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  for (int64_t v = 0; v < 2048; ++v) {
    EXPECT_EQ(LatencyHistogram::LowestEquivalent(LatencyHistogram::IndexOf(v)), v);
    EXPECT_EQ(LatencyHistogram::HighestEquivalent(LatencyHistogram::IndexOf(v)), v);
  }
}

TEST(LatencyHistogramTest, PercentilesOfAUniformSequence) {
  LatencyHistogram h;
  for (int64_t us = 1; us <= 10000; ++us) h.Record(us * 1000);
  EXPECT_EQ(h.count(), 10000u);
  EXPECT_NEAR(h.ValueAtPercentile(50), 5'000'000, 5'000);
  EXPECT_NEAR(h.ValueAtPercentile(90), 9'000'000, 9'000);
  EXPECT_NEAR(h.ValueAtPercentile(99), 9'900'000, 9'900);
  EXPECT_NEAR(h.ValueAtPercentile(99.9), 9'990'000, 9'990);
  EXPECT_EQ(h.max(), 10'000'000);
  EXPECT_EQ(h.min(), 1000);
  EXPECT_NEAR(h.Mean(), 5'000'500, 1);  // exact
  EXPECT_NEAR(h.StdDev(), 2'886'751, 2'886751 * 0.001);
}

// HdrHistogram's rank rule: the value at percentile p of n values is the one of rank
// max(1, (uint64_t)(p / 100 * n + 0.5)). A ceil() of p / 100 * n is one rank too high whenever
// the product carries floating-point error upwards (99.9 / 100 * 1000 = 999.0000000000001).
uint64_t Rank(double percentile, uint64_t n) {
  return std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(
             std::nextafter(percentile, -std::numeric_limits<double>::infinity()) / 100.0 * n)));
}

TEST(LatencyHistogramTest, PercentileIsTheValueOfItsExactRank) {
  for (uint64_t n : {1000u, 3000u, 10'000u, 100'000u}) {
    LatencyHistogram h;
    for (uint64_t v = 1; v <= n; ++v) h.Record(static_cast<int64_t>(v));
    for (double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
      const int64_t at_rank = static_cast<int64_t>(Rank(p, n));  // value v has rank v
      // Reported as the top of the value's bucket, but never above the max.
      EXPECT_EQ(h.ValueAtPercentile(p), std::min(h.max(), LatencyHistogram::HighestEquivalent(
                                                              LatencyHistogram::IndexOf(at_rank))))
          << "n " << n << " p" << p;
    }
  }
  // Exact values: the 999th of 1..1000 is 999, not the max.
  LatencyHistogram h;
  for (int64_t v = 1; v <= 1000; ++v) h.Record(v);
  EXPECT_EQ(h.ValueAtPercentile(99.9), 999);
  EXPECT_EQ(h.ValueAtPercentile(99), 990);
  EXPECT_EQ(h.ValueAtPercentile(50), 500);
}

TEST(LatencyHistogramTest, PercentileRankIsExactWhenEveryValueHasItsOwnBucket) {
  // One value per bucket, so a rank one too high always shows as a different value.
  // 16,000: p99.99 is rank 15,998.4, which is the 15,999th value, not (rounded) the 15,998th.
  for (uint64_t n : {1000u, 3000u, 10'000u, 16'000u, 30'000u}) {
    LatencyHistogram h;
    for (uint64_t i = 1; i <= n; ++i) h.Record(LatencyHistogram::LowestEquivalent(i));
    for (double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
      EXPECT_EQ(h.ValueAtPercentile(p),
                std::min(h.max(), LatencyHistogram::HighestEquivalent(Rank(p, n))))
          << "n " << n << " p" << p;
    }
  }
}

TEST(LatencyHistogramTest, OverflowIsCountedNeverDropped) {
  LatencyHistogram h;
  h.Record(1000);
  h.Record(LatencyHistogram::kMaxTrackableNanos + 5);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.overflow_count(), 1u);
  EXPECT_EQ(h.max(), LatencyHistogram::kMaxTrackableNanos + 5);
  EXPECT_EQ(h.ValueAtPercentile(100), LatencyHistogram::kMaxTrackableNanos + 5);
  // 100 s and more is inside the range.
  EXPECT_GT(LatencyHistogram::kMaxTrackableNanos, 100'000'000'000);
}

TEST(LatencyHistogramTest, MergeEqualsOneHistogramOfBothInputs) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(12.0, 2.0);
  LatencyHistogram a, b, both;
  for (int i = 0; i < 50000; ++i) {
    const int64_t v = static_cast<int64_t>(dist(rng));
    (i % 3 == 0 ? a : b).Record(v);
    both.Record(v);
  }
  a.Record(LatencyHistogram::kMaxTrackableNanos * 2);
  both.Record(LatencyHistogram::kMaxTrackableNanos * 2);
  LatencyHistogram merged = a;
  merged.Merge(b);
  EXPECT_TRUE(merged == both);
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    EXPECT_EQ(merged.ValueAtPercentile(p), both.ValueAtPercentile(p)) << p;
  }
  EXPECT_EQ(merged.Mean(), both.Mean());
  EXPECT_EQ(merged.StdDev(), both.StdDev());
}

TEST(LatencyHistogramTest, MeanStaysExactPastTwoToThe64Nanoseconds) {
  // 2^24 values of about 2^41 ns sum to about 2^65: past any 64-bit sum.
  const int64_t big = LatencyHistogram::kMaxTrackableNanos - 1;
  LatencyHistogram h;
  h.RecordN(big, uint64_t{1} << 24);
  EXPECT_EQ(h.Mean(), static_cast<double>(big));
  h.RecordN(big + 2, uint64_t{1} << 24);  // overflow values count in the sum too
  EXPECT_EQ(h.Mean(), static_cast<double>(big + 1));
  LatencyHistogram back;
  ASSERT_TRUE(back.AddSnapshot(h.ToSnapshot()).ok());
  EXPECT_TRUE(back == h);
}

TEST(LatencyHistogramTest, SnapshotRoundTripIsExact) {
  LatencyHistogram h;
  for (int64_t v = 1; v < 5'000'000'000; v = v * 3 + 7) h.Record(v);
  LatencyHistogram back;
  ASSERT_TRUE(back.AddSnapshot(h.ToSnapshot()).ok());
  EXPECT_TRUE(back == h);
  LatencyHistogram::Snapshot bad;
  bad.buckets.emplace_back(LatencyHistogram::kCountsLength, 1);
  EXPECT_FALSE(back.AddSnapshot(bad).ok());
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAtPercentile(99), 0);
  EXPECT_EQ(h.Mean(), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
}

}  // namespace
}  // namespace client
