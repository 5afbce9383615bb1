// PercentileDistribution: a histogram walked the way HdrHistogram prints and plots it, from 0%
// towards 100% in steps that halve each time the remaining distance halves, so the tail gets as
// many points as the body. Both the .hgrm writer and the HTML report's latency chart use it.
#ifndef CLIENT_PERCENTILE_DISTRIBUTION_H_
#define CLIENT_PERCENTILE_DISTRIBUTION_H_

#include <cstdint>
#include <vector>

#include "client/latency_histogram.h"

namespace client {

struct PercentilePoint {
  double percentile = 0;  // 0 to 100
  int64_t value_nanos = 0;
  uint64_t total_count = 0;  // values at or below value_nanos
};

// HdrHistogram's default: 5 steps per halving of the distance to 100%.
inline constexpr int kPercentileTicksPerHalfDistance = 5;

// Empty for an empty histogram; otherwise ends with the 100% point at the max. A point's value
// is h.ValueAtPercentile(point.percentile) exactly (the same rank rule), so a distribution and
// the JSON's p50/p90 can be compared figure for figure.
std::vector<PercentilePoint> PercentileDistribution(
    const LatencyHistogram& h, int ticks_per_half_distance = kPercentileTicksPerHalfDistance);

}  // namespace client

#endif  // CLIENT_PERCENTILE_DISTRIBUTION_H_
