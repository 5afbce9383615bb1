// FormatHgrm: PercentileDistribution's points in HdrHistogram's column layout.
#include "client/hgrm_writer.h"

#include "absl/strings/str_format.h"
#include "client/percentile_distribution.h"

namespace client {
namespace {

constexpr double kNanosPerMilli = 1e6;

// The bucket layout in HdrHistogram's terms: power-of-two buckets over the tracked range, each
// of 2 * 1024 sub-buckets.
constexpr int64_t kBucketCount =
    static_cast<int64_t>(LatencyHistogram::kCountsLength / LatencyHistogram::kSubBucketHalf) - 1;

}  // namespace

std::string FormatHgrm(const LatencyHistogram& h) {
  std::string out = absl::StrFormat("%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount",
                                    "1/(1-Percentile)");
  for (const PercentilePoint& p : PercentileDistribution(h)) {
    const double fraction = p.percentile / 100.0;
    if (p.percentile < 100.0) {
      absl::StrAppendFormat(&out, "%12.6f %2.12f %10d %14.2f\n", p.value_nanos / kNanosPerMilli,
                            fraction, p.total_count, 1.0 / (1.0 - fraction));
    } else {
      // HdrHistogram leaves the infinite 1/(1-1) column empty on the last line.
      absl::StrAppendFormat(&out, "%12.6f %2.12f %10d\n", p.value_nanos / kNanosPerMilli, fraction,
                            p.total_count);
    }
  }
  absl::StrAppendFormat(&out, "#[Mean    = %12.6f, StdDeviation   = %12.6f]\n",
                        h.Mean() / kNanosPerMilli, h.StdDev() / kNanosPerMilli);
  absl::StrAppendFormat(&out, "#[Max     = %12.6f, Total count    = %12d]\n",
                        h.max() / kNanosPerMilli, h.count());
  absl::StrAppendFormat(&out, "#[Buckets = %12d, SubBuckets     = %12d]\n", kBucketCount,
                        LatencyHistogram::kSubBucketCount);
  return out;
}

}  // namespace client
