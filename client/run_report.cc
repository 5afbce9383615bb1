// RunReport: the verdict, the summary table and the merge.
#include "client/run_report.h"

#include <algorithm>
#include <cstdint>

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

// A percentile cell: "≥" marks a value that lower bounds (requests never answered) reach, so it
// may itself be a bound rather than a measured latency.
std::string Cell(int64_t value, int64_t bound_min) {
  const std::string text = FormatNanos(value);
  return value >= bound_min ? absl::StrCat("≥", text) : text;
}

void AppendLatencyRow(std::string* out, std::string_view label, const LatencyHistogram& h,
                      int64_t bound_min = INT64_MAX) {
  // "≥" is two columns of bytes but one on screen: pad by what the eye sees.
  auto pad = [](const std::string& cell) {
    const size_t shown = cell.rfind("≥", 0) == 0 ? cell.size() - 2 : cell.size();
    return std::string(shown < 9 ? 9 - shown : 0, ' ') + cell;
  };
  absl::StrAppendFormat(
      out, "    %-12s %s %s %s %s %s %s %s %s %11d\n",
      absl::string_view(label.data(), label.size()), pad(FormatNanos(h.Mean())),
      pad(FormatNanos(h.StdDev())), pad(Cell(h.ValueAtPercentile(50), bound_min)),
      pad(Cell(h.ValueAtPercentile(90), bound_min)), pad(Cell(h.ValueAtPercentile(99), bound_min)),
      pad(Cell(h.ValueAtPercentile(99.9), bound_min)),
      pad(Cell(h.ValueAtPercentile(99.99), bound_min)), pad(Cell(h.max(), bound_min)), h.count());
}

}  // namespace

uint64_t RunReport::FailedRequests() const {
  const Ledger& l = stats.ledger;
  return l.error_replies + l.timed_out + l.reset + l.eof + UnansweredAtEnd() + l.owed_unsent;
}

uint64_t RunReport::UnansweredAtEnd() const {
  // A version-1 ledger comes from a client that closed at the end without waiting for the
  // replies in flight: those requests were cut by the end, not failed (that client's verdict
  // was ok), so judging its document again must not fail it for them.
  return stats.ledger.version >= 2 ? stats.ledger.in_flight_at_end : 0;
}

double RunReport::AchievedRate() const {
  return stats.measured_nanos > 0 ? stats.measured_sent / (stats.measured_nanos / 1e9) : 0;
}

Verdict RunReport::Evaluate() const {
  const Ledger& l = stats.ledger;
  if (!l.Balanced()) return {kExitUnbalanced, "the ledger does not balance (a client bug)"};
  if (l.connected == 0) {
    return {kExitNoConnection,
            absl::StrCat("no connection could be made (", l.connect_failed_total(),
                         " attempts failed; see the causes above)")};
  }
  if (!stats.limit_notes.empty()) {
    return {kExitLimit, absl::StrCat("a limit stopped connections: ", *stats.limit_notes.begin(),
                                     " (see LIMIT: above)")};
  }
  if (l.mismatched > 0) {
    return {kExitMismatch, absl::StrCat(l.mismatched, " responses did not match their request")};
  }
  if (l.ok == 0) {
    // A run in which every answer was an error (a wrong path, a refused command) measured
    // nothing worth reporting as a success.
    return {kExitNoResponses, l.error_replies > 0
                                  ? absl::StrCat("no request succeeded: all ", l.error_replies,
                                                 " answers were errors (see errors by message)")
                                  : std::string("no request was answered")};
  }
  if (stats.never_connected > 0) {
    return {kExitNotAllConnected,
            absl::StrCat(stats.never_connected, " of the requested connections never connected (",
                         l.connect_failed_total(), " connect attempts failed)")};
  }
  if (stats.open_at_end == 0 && !request_quota_met) {
    return {kExitAllConnectionsLost,
            absl::StrCat("every connection was lost (closed by the server ", l.closed_by_peer,
                         ", reset ", l.reset_by_peer, ", closed on a malformed reply ",
                         l.closed_malformed, ")")};
  }
  if (stats.target_rate > 0 && AchievedRate() < stats.target_rate * (1 - rate_tolerance)) {
    return {kExitRateShortfall,
            absl::StrFormat("achieved %.0f requests/s of the %.0f/s asked for (%.1f%% short, "
                            "above --rate_tolerance=%g)",
                            AchievedRate(), stats.target_rate,
                            100 * (1 - AchievedRate() / stats.target_rate), rate_tolerance)};
  }
  const uint64_t failed = FailedRequests();
  const uint64_t requests = l.sent + l.owed_unsent;
  if (failed > 0 && failed > max_error_ratio * requests) {
    return {kExitErrors,
            absl::StrFormat("%d of %d requests failed (%.3g%%, above --max_error_ratio=%g): error "
                            "replies %d, timed out %d, lost %d, unanswered at end %d, owed "
                            "unsent %d",
                            failed, requests, 100.0 * failed / std::max<uint64_t>(requests, 1),
                            max_error_ratio, l.error_replies, l.timed_out, l.reset + l.eof,
                            UnansweredAtEnd(), l.owed_unsent)};
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
  const int64_t bound_min = stats.lower_bounds > 0 ? stats.lower_bound_min_nanos : INT64_MAX;
  const bool fixed_rate = stats.target_rate > 0;
  if (fixed_rate) {
    AppendLatencyRow(&out, "corrected", stats.corrected, bound_min);
    AppendLatencyRow(&out, "uncorrected", stats.uncorrected, bound_min);
    AppendLatencyRow(&out, "send lag", stats.send_lag);
  } else {
    // In a closed loop a request is sent when it is meant to be, so correcting for coordinated
    // omission changes nothing: one row, named for what it is not.
    AppendLatencyRow(&out, "closed loop", stats.corrected, bound_min);
  }
  AppendLatencyRow(&out, "connect", stats.connect);
  if (!fixed_rate) {
    absl::StrAppend(&out,
                    "    (closed loop: latency from the actual send, not corrected for "
                    "coordinated omission; use --rate for that)\n");
  }
  if (stats.lower_bounds > 0) {
    absl::StrAppendFormat(&out,
                          "    (%d requests never answered are counted from their intended send "
                          "to when the client stopped waiting: values marked ≥ may be such lower "
                          "bounds)\n",
                          stats.lower_bounds);
  }
  if (stats.corrected.overflow_count() > 0) {
    absl::StrAppendFormat(&out, "    (%d latencies above the histogram's range, counted at max)\n",
                          stats.corrected.overflow_count());
  }
  if (fixed_rate) {
    const double achieved = AchievedRate();
    absl::StrAppendFormat(&out, "\n  rate         target %.0f/s, achieved %.0f/s (%.1f%%)\n",
                          stats.target_rate, achieved, 100 * achieved / stats.target_rate);
    if (achieved < stats.target_rate * (1 - rate_tolerance)) {
      absl::StrAppendFormat(&out,
                            "  WARNING: the achieved rate is %.1f%% below the target (tolerance "
                            "%g%%)\n",
                            100 * (1 - achieved / stats.target_rate), 100 * rate_tolerance);
    }
    // One connection's interval: how far apart its own requests are meant to go.
    int64_t connections = 0;
    if (absl::SimpleAtoi(ConfigValue(config, "connections"), &connections) && connections > 0) {
      const double interval_nanos = 1e9 * connections / stats.target_rate;
      const int64_t lag_p99 = stats.send_lag.ValueAtPercentile(99);
      if (stats.send_lag.count() > 0 && lag_p99 > interval_nanos) {
        absl::StrAppendFormat(&out,
                              "  WARNING: the client sent late: send lag p99 %s exceeds one "
                              "interval (%s per connection); the corrected latency includes the "
                              "client's own lateness\n",
                              FormatNanos(lag_p99),
                              FormatNanos(static_cast<int64_t>(interval_nanos)));
      }
    }
    if (stats.in_flight_cap_hits > 0) {
      absl::StrAppendFormat(&out,
                            "  WARNING: --max_in_flight was reached %d times: requests waited for "
                            "a free slot (their wait is in the corrected latency)\n",
                            stats.in_flight_cap_hits);
    }
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
  for (const std::string& note : notes) absl::StrAppend(&out, "  note: ", note, "\n");
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
    mine.span_seconds = std::max(mine.span_seconds, p.span_seconds);
    mine.warmup = mine.warmup || p.warmup;
    LatencyHistogram h;
    (void)h.AddSnapshot(mine.latency);  // both came from valid histograms
    (void)h.AddSnapshot(p.latency);
    mine.latency = h.ToSnapshot();
  }
  std::sort(series.begin(), series.end(),
            [](const SeriesPoint& a, const SeriesPoint& b) { return a.second < b.second; });
  // Configuration: what adds up across concurrent runs (connections, threads, rates, which may
  // be fractional) is summed; other values are kept where the runs agree and marked where they
  // do not.
  std::map<std::string, std::string> merged = config;
  for (auto& [key, value] : merged) {
    auto it = other.config.find(key);
    double a = 0;
    double b = 0;
    const bool additive = key == "connections" || key == "threads" || key == "rate" ||
                          key == "connect_rate" || key == "requests";
    if (additive && it != other.config.end() && absl::SimpleAtod(value, &a) &&
        absl::SimpleAtod(it->second, &b)) {
      value = absl::StrCat(a + b);
    } else if (it == other.config.end() || it->second != value) {
      value = "(differs between runs)";
    }
  }
  run_starts_unix_nanos.insert(run_starts_unix_nanos.end(), other.run_starts_unix_nanos.begin(),
                               other.run_starts_unix_nanos.end());
  config = std::move(merged);
}

}  // namespace client
