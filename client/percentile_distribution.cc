// PercentileDistribution: one pass over the non-zero buckets, levels placed by HdrHistogram's
// PercentileIterator schedule, values found by LatencyHistogram's rank rule.
#include "client/percentile_distribution.h"

#include <algorithm>
#include <cmath>

namespace client {

std::vector<PercentilePoint> PercentileDistribution(const LatencyHistogram& h,
                                                    int ticks_per_half_distance) {
  std::vector<PercentilePoint> points;
  const uint64_t total = h.count();
  if (total == 0) return points;
  // The non-zero buckets in value order, then the overflow values, which are known only by
  // their max (the same convention as ValueAtPercentile).
  const LatencyHistogram::Snapshot snapshot = h.ToSnapshot();
  struct Step {
    int64_t value;
    uint64_t count;
  };
  std::vector<Step> steps;
  steps.reserve(snapshot.buckets.size() + 1);
  for (const auto& [index, count] : snapshot.buckets) {
    steps.push_back({std::min(LatencyHistogram::HighestEquivalent(index), h.max()), count});
  }
  if (snapshot.overflow_count > 0) steps.push_back({h.max(), snapshot.overflow_count});

  size_t step = 0;
  uint64_t cumulative = steps[0].count;
  double level = 0;
  while (true) {
    const uint64_t rank = LatencyHistogram::RankAtPercentile(level, total);
    while (cumulative < rank) cumulative += steps[++step].count;
    points.push_back({level, steps[step].value, cumulative});
    if (cumulative == total) break;
    // HdrHistogram's schedule: the step is 100 / (ticks * 2^(halvings + 1)), where halvings is
    // how many times the distance to 100% has halved so far.
    const double halvings = std::floor(std::log2(100.0 / (100.0 - level)));
    level += 100.0 / (ticks_per_half_distance * std::exp2(halvings + 1));
    // Past double precision the distance to 100% is zero: the remaining values are the tail.
    if (level >= 100.0) break;
  }
  points.push_back({100.0, h.max(), total});
  return points;
}

}  // namespace client
