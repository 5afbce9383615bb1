// ProgressReporter: per-second aggregation across threads and the progress line.
#include "client/progress_reporter.h"

#include <string>
#include <utility>

#include "absl/strings/str_format.h"

namespace client {

ProgressReporter::ProgressReporter(int threads, std::FILE* out)
    : out_(out), running_threads_(threads) {}

void ProgressReporter::Report(int second, uint64_t responses, uint64_t errors,
                              uint64_t open_connections, const LatencyHistogram& latency) {
  absl::MutexLock lock(&mutex_);
  Pending& p = pending_[second];
  ++p.reports;
  p.responses += responses;
  p.errors += errors;
  p.open_connections += open_connections;
  p.latency.Merge(latency);
  CompleteReadyLocked();
}

void ProgressReporter::ThreadDone() {
  absl::MutexLock lock(&mutex_);
  --running_threads_;
  CompleteReadyLocked();
}

void ProgressReporter::CompleteReadyLocked() {
  while (!pending_.empty() && pending_.begin()->second.reports >= running_threads_) {
    auto node = pending_.extract(pending_.begin());
    Emit(node.key(), node.mapped());
  }
}

void ProgressReporter::Emit(int second, Pending& p) {
  errors_so_far_ += p.errors;
  SeriesPoint point;
  point.second = second;
  point.responses = p.responses;
  point.errors = p.errors;
  point.open_connections = p.open_connections;
  point.latency = p.latency.ToSnapshot();
  series_.push_back(std::move(point));
  if (out_ == nullptr) return;
  absl::FPrintF(out_, "[%4ds] conns %-7d req/s %-8s p99 %-8s errors %d\n", second,
                p.open_connections, FormatCount(static_cast<double>(p.responses)),
                FormatNanos(p.latency.ValueAtPercentile(99.0)), errors_so_far_);
  std::fflush(out_);
}

std::vector<SeriesPoint> ProgressReporter::TakeSeries() {
  absl::MutexLock lock(&mutex_);
  // Seconds some thread never reported (it ended first) are still part of the series.
  while (!pending_.empty()) {
    auto node = pending_.extract(pending_.begin());
    Emit(node.key(), node.mapped());
  }
  return std::move(series_);
}

std::string FormatCount(double value) {
  if (value >= 1e9) return absl::StrFormat("%.2fG", value / 1e9);
  if (value >= 1e6) return absl::StrFormat("%.2fM", value / 1e6);
  if (value >= 1e4) return absl::StrFormat("%.1fk", value / 1e3);
  return absl::StrFormat("%.0f", value);
}

std::string FormatNanos(int64_t nanos) {
  if (nanos < 1'000) return absl::StrFormat("%dns", nanos);
  if (nanos < 1'000'000) return absl::StrFormat("%.1fus", nanos / 1e3);
  if (nanos < 1'000'000'000) return absl::StrFormat("%.2fms", nanos / 1e6);
  return absl::StrFormat("%.2fs", nanos / 1e9);
}

}  // namespace client
