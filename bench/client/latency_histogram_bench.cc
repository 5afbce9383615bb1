// LatencyHistogram costs: one Record (the per-request cost), a percentile query, a merge.
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "client/latency_histogram.h"

namespace client {
namespace {

std::vector<int64_t> LatencySamples() {
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> dist(11.0, 1.5);  // around 60 us, long tail
  std::vector<int64_t> values(4096);
  for (auto& v : values) v = static_cast<int64_t>(dist(rng));
  return values;
}

void BM_Record(benchmark::State& state) {
  const std::vector<int64_t> values = LatencySamples();
  LatencyHistogram h;
  size_t i = 0;
  for (auto _ : state) {
    h.Record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.count());
}
BENCHMARK(BM_Record);

void BM_ValueAtPercentile(benchmark::State& state) {
  LatencyHistogram h;
  for (int64_t v : LatencySamples()) h.Record(v);
  for (auto _ : state) benchmark::DoNotOptimize(h.ValueAtPercentile(99.9));
}
BENCHMARK(BM_ValueAtPercentile);

void BM_Merge(benchmark::State& state) {
  LatencyHistogram a, b;
  for (int64_t v : LatencySamples()) b.Record(v);
  for (auto _ : state) a.Merge(b);
  benchmark::DoNotOptimize(a.count());
}
BENCHMARK(BM_Merge);

}  // namespace
}  // namespace client
