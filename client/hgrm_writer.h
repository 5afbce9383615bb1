// FormatHgrm: a latency histogram as HdrHistogram's percentile distribution text (the .hgrm
// file HdrHistogram's plotter, wrk2 and the tools built on them read).
#ifndef CLIENT_HGRM_WRITER_H_
#define CLIENT_HGRM_WRITER_H_

#include <string>

#include "client/latency_histogram.h"

namespace client {

// Values in milliseconds, like wrk2's and the plotter's axis, with six decimals so that every
// nanosecond value prints exactly. The layout is HdrHistogram's outputPercentileDistribution:
//
//        Value     Percentile TotalCount 1/(1-Percentile)
//
//     0.041215 0.000000000000          1           1.00
//     ...
//   #[Mean    =     0.052311, StdDeviation   =     0.010207]
//   #[Max     =     0.412671, Total count    =       201734]
//   #[Buckets =           31, SubBuckets     =         2048]
std::string FormatHgrm(const LatencyHistogram& h);

}  // namespace client

#endif  // CLIENT_HGRM_WRITER_H_
