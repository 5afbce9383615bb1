// ProgressReporter: per-second aggregation across threads and the progress line.
#include "client/progress_reporter.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/warm_up.h"

namespace client {

ProgressReporter::ProgressReporter(int threads, std::FILE* out, const RunBounds& bounds)
    : out_(out),
      bounds_(bounds),
      reported_(threads, 0),
      done_(threads, false),
      answered_(threads, 0) {}

void ProgressReporter::Report(int thread, const SecondReport& r) {
  absl::MutexLock lock(&mutex_);
  Pending& p = pending_[r.second];
  p.span_seconds = std::max(p.span_seconds, r.span_seconds);
  p.responses += r.responses;
  p.errors += r.errors;
  p.open_connections += r.open_connections;
  p.oldest_owed_nanos = std::max(p.oldest_owed_nanos, r.oldest_owed_nanos);
  if (r.latency != nullptr) p.latency.Merge(*r.latency);
  reported_[thread] = std::max(reported_[thread], r.second);
  answered_[thread] = r.measured_answered;
  CompleteReadyLocked();
}

void ProgressReporter::ThreadDone(int thread) {
  absl::MutexLock lock(&mutex_);
  done_[thread] = true;
  CompleteReadyLocked();
}

void ProgressReporter::CompleteReadyLocked() {
  while (!pending_.empty()) {
    const int second = pending_.begin()->first;
    for (size_t t = 0; t < reported_.size(); ++t) {
      if (!done_[t] && reported_[t] < second) return;  // that thread may still add to it
    }
    auto node = pending_.extract(pending_.begin());
    Emit(node.key(), node.mapped());
  }
}

void ProgressReporter::Emit(int second, Pending& p) {
  errors_so_far_ += p.errors;
  SeriesPoint point;
  point.second = second;
  point.span_seconds = p.span_seconds;
  // Second N began N - 1 seconds after the start.
  point.warmup =
      !WarmUp(0, bounds_.warmup).Measures(absl::ToInt64Nanoseconds(absl::Seconds(second - 1)));
  point.responses = p.responses;
  point.errors = p.errors;
  point.open_connections = p.open_connections;
  point.latency = p.latency.ToSnapshot();
  series_.push_back(point);
  if (out_ == nullptr) return;
  // How far the run has come: seconds of the whole run (warm-up included), or answers of a
  // --requests run.
  std::string where;
  if (bounds_.requests > 0) {
    uint64_t answered = 0;
    for (uint64_t n : answered_) answered += n;
    where = absl::StrFormat("  done %s/%s", FormatCount(static_cast<double>(answered)),
                            FormatCount(static_cast<double>(bounds_.requests)));
  }
  const std::string total =
      bounds_.requests > 0
          ? ""
          : absl::StrCat("/", absl::ToInt64Seconds(bounds_.warmup + bounds_.duration), "s");
  std::string marks;
  if (point.warmup) marks += " warm-up";
  if (p.span_seconds < 1) marks += absl::StrFormat(" partial %.2fs", p.span_seconds);
  // A second without answers has no p99: say how long the oldest owed request has waited.
  const std::string p99 =
      p.latency.count() > 0
          ? FormatNanos(p.latency.ValueAtPercentile(99.0))
          : (p.oldest_owed_nanos > 0
                 ? absl::StrCat("- (oldest ", FormatNanos(p.oldest_owed_nanos), ")")
                 : "-");
  absl::FPrintF(out_, "[%4ds%s%s] conns %-7d req/s %-8s p99 %-8s errors %d%s\n", second, total,
                marks, p.open_connections,
                FormatCount(p.span_seconds > 0 ? p.responses / p.span_seconds : 0), p99,
                errors_so_far_, where);
  std::fflush(out_);
}

std::vector<SeriesPoint> ProgressReporter::TakeSeries() {
  absl::MutexLock lock(&mutex_);
  // Every thread has finished by now: whatever is pending is complete.
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
