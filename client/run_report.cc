// RunReport: the verdict, the summary table and the merge.
#include "client/run_report.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace client {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
// A thread at or above this share of a core measured itself, not the server.
constexpr double kSaturatedUtilisation = 0.90;

std::string ConfigValue(const std::map<std::string, std::string>& config, const std::string& key) {
  auto it = config.find(key);
  return it == config.end() ? "" : it->second;
}

void AppendLatencyRow(std::string* out, std::string_view label, const LatencyHistogram& h) {
  absl::StrAppendFormat(out, "    %-12s %9s %9s %9s %9s %9s %9s %9s %9s %11d\n",
                        absl::string_view(label.data(), label.size()), FormatNanos(h.Mean()),
                        FormatNanos(h.StdDev()), FormatNanos(h.ValueAtPercentile(50)),
                        FormatNanos(h.ValueAtPercentile(90)), FormatNanos(h.ValueAtPercentile(99)),
                        FormatNanos(h.ValueAtPercentile(99.9)),
                        FormatNanos(h.ValueAtPercentile(99.99)), FormatNanos(h.max()), h.count());
}

}  // namespace

Verdict RunReport::Evaluate() const {
  const Ledger& l = stats.ledger;
  if (l.connected == 0) {
    return {kExitNoConnection,
            absl::StrCat("no connection could be made (", l.connect_failed_total(),
                         " attempts failed; see the causes above)")};
  }
  if (l.mismatched > 0) {
    return {kExitMismatch, absl::StrCat(l.mismatched, " responses did not match their request")};
  }
  if (!l.Balanced()) return {kExitUnbalanced, "the ledger does not balance (a client bug)"};
  if (l.ok == 0) {
    // A run in which every answer was an error (a wrong path, a refused command) measured
    // nothing worth reporting as a success.
    return {kExitNoResponses, l.error_replies > 0
                                  ? absl::StrCat("no request succeeded: all ", l.error_replies,
                                                 " answers were errors (see errors by message)")
                                  : std::string("no request was answered")};
  }
  if (stats.open_at_end == 0 && !request_quota_met) {
    return {kExitAllConnectionsLost,
            absl::StrCat("every connection was lost (closed by the server ", l.closed_by_peer,
                         ", reset ", l.reset_by_peer, ", closed on a malformed reply ",
                         l.closed_malformed, ")")};
  }
  return {kExitOk, "ok"};
}

std::string RunReport::FormatSummary() const {
  std::string out;
  const Ledger& l = stats.ledger;
  const double seconds = stats.measured_nanos / 1e9;
  absl::StrAppendFormat(
      &out, "%s load on %s: %s connections, %s thread(s), %s, %.2fs measured",
      ConfigValue(config, "protocol"), ConfigValue(config, "target"),
      ConfigValue(config, "connections"), ConfigValue(config, "threads"),
      ConfigValue(config, "rate") == "0"
          ? absl::StrCat("closed loop, pipeline ", ConfigValue(config, "pipeline"))
          : absl::StrCat("fixed rate ", ConfigValue(config, "rate"), "/s"),
      seconds);
  if (ConfigValue(config, "warmup") != "0" && !ConfigValue(config, "warmup").empty()) {
    absl::StrAppend(&out, " after a ", ConfigValue(config, "warmup"), " warm-up");
  }
  if (merged_runs > 1) absl::StrAppend(&out, " (", merged_runs, " runs merged)");
  absl::StrAppend(&out, "\n\n");
  const double rps = seconds > 0 ? stats.measured_responses / seconds : 0;
  absl::StrAppendFormat(&out,
                        "  throughput   %.0f requests/s   %.2f MiB/s sent   %.2f MiB/s received\n",
                        rps, seconds > 0 ? stats.bytes_sent / kMiB / seconds : 0,
                        seconds > 0 ? stats.bytes_received / kMiB / seconds : 0);
  absl::StrAppendFormat(&out, "\n  latency      %9s %9s %9s %9s %9s %9s %9s %9s %11s\n", "mean",
                        "stdev", "p50", "p90", "p99", "p99.9", "p99.99", "max", "count");
  AppendLatencyRow(&out, "corrected", stats.corrected);
  AppendLatencyRow(&out, "uncorrected", stats.uncorrected);
  AppendLatencyRow(&out, "connect", stats.connect);
  if (stats.corrected.overflow_count() > 0) {
    absl::StrAppendFormat(&out, "    (%d latencies above the histogram's range, counted at max)\n",
                          stats.corrected.overflow_count());
  }
  absl::StrAppendFormat(&out, "\n  connections open at end %d, of which with verified replies %d\n",
                        stats.open_at_end, stats.open_verified_at_end);
  absl::StrAppend(&out, "\n  ledger\n", l.Format());
  if (!stats.errors_by_detail.empty()) {
    absl::StrAppend(&out, "  errors by message\n");
    for (const auto& [detail, n] : stats.errors_by_detail) {
      absl::StrAppendFormat(&out, "    %8d  %s\n", n, detail);
    }
  }
  uint64_t classified = 0;
  for (uint64_t n : stats.status_classes) classified += n;
  if (classified > 0) {
    absl::StrAppend(&out, "  responses by status class:");
    for (size_t i = 1; i < stats.status_classes.size(); ++i) {
      if (stats.status_classes[i] > 0)
        absl::StrAppendFormat(&out, " %dxx %d", i, stats.status_classes[i]);
    }
    if (stats.status_classes[0] > 0)
      absl::StrAppendFormat(&out, " other %d", stats.status_classes[0]);
    absl::StrAppend(&out, "\n");
  }
  for (const std::string& note : stats.limit_notes) {
    absl::StrAppend(&out, "  LIMIT: ", note, "\n");
  }

  int64_t cpu_nanos = 0;
  absl::StrAppend(&out, "\n  client cpu  ");
  bool saturated = false;
  for (size_t i = 0; i < stats.cpu.size(); ++i) {
    const ThreadCpu& c = stats.cpu[i];
    cpu_nanos += c.user_nanos + c.system_nanos;
    absl::StrAppendFormat(&out, " [thread %d: %.0f%% of a core, user %.2fs sys %.2fs]", i,
                          100 * c.Utilisation(), c.user_nanos / 1e9, c.system_nanos / 1e9);
    saturated |= c.Utilisation() >= kSaturatedUtilisation;
  }
  const uint64_t answered = l.ok + l.error_replies + l.mismatched;
  if (answered > 0) {
    absl::StrAppendFormat(&out, "\n               %.2f us of client CPU per request",
                          cpu_nanos / 1e3 / answered);
  }
  absl::StrAppend(&out, "\n");
  if (saturated) {
    absl::StrAppend(&out,
                    "  WARNING: a client thread used >= 90% of a core: these numbers measure the "
                    "client as much as the server; add --threads or another machine\n");
  }
  return out;
}

void RunReport::Merge(const RunReport& other) {
  stats.Merge(other.stats);
  merged_runs += other.merged_runs;
  request_quota_met = request_quota_met && other.request_quota_met;
  // Series: add point by point on the second.
  std::map<int, size_t> by_second;
  for (size_t i = 0; i < series.size(); ++i) by_second[series[i].second] = i;
  for (const SeriesPoint& p : other.series) {
    auto it = by_second.find(p.second);
    if (it == by_second.end()) {
      series.push_back(p);
      continue;
    }
    SeriesPoint& mine = series[it->second];
    mine.responses += p.responses;
    mine.errors += p.errors;
    mine.open_connections += p.open_connections;
    LatencyHistogram h;
    (void)h.AddSnapshot(mine.latency);  // both came from valid histograms
    (void)h.AddSnapshot(p.latency);
    mine.latency = h.ToSnapshot();
  }
  std::sort(series.begin(), series.end(),
            [](const SeriesPoint& a, const SeriesPoint& b) { return a.second < b.second; });
  // Configuration: connections add up across machines; other values are kept where the runs
  // agree and marked where they do not.
  std::map<std::string, std::string> merged = config;
  for (auto& [key, value] : merged) {
    auto it = other.config.find(key);
    int64_t a = 0;
    int64_t b = 0;
    if ((key == "connections" || key == "rate") && it != other.config.end() &&
        absl::SimpleAtoi(value, &a) && absl::SimpleAtoi(it->second, &b)) {
      value = absl::StrCat(a + b);
    } else if (it == other.config.end() || it->second != value) {
      value = "(differs between runs)";
    }
  }
  config = std::move(merged);
}

}  // namespace client
