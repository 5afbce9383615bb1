// FormatHtmlReport: the page's sections, each drawn from what the runs measured (RunReport's
// stats, per-second series and histograms); charts through SvgLineChart.
#include "client/html_report.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/ledger.h"
#include "client/percentile_distribution.h"
#include "client/progress_reporter.h"
#include "client/svg_chart.h"

namespace client {
namespace {

constexpr char kStyle[] = R"css(
:root { --fg: #1a1a1a; --muted: #666; --grid: #e6e6e6; --band: #f3efe4; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 14px 20px 24px; }
h1 { font-size: 20px; margin: 0 0 2px; }
h2 { font-size: 16px; margin: 22px 0 8px; padding-bottom: 3px; border-bottom: 1px solid #ddd; }
h3 { font-size: 14px; margin: 12px 0 4px; }
.subtitle { color: var(--muted); margin: 0 0 10px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #eee; white-space: nowrap; }
th { font-weight: 600; background: #fafafa; }
th:first-child, td:first-child { text-align: left; }
td.text { text-align: left; white-space: normal; max-width: 280px; }
table.summary { width: 100%; font-size: 13px; }
table.summary th { white-space: normal; }
table.summary th, table.summary td { padding: 3px 6px; }
table.summary td.load { white-space: nowrap; }
table.summary td.result { min-width: 7em; }
.swatch { display: inline-block; width: 20px; height: 0; border-top: 3px solid;
  vertical-align: middle; margin-right: 6px; }
.legend { margin: 10px 0 4px; color: var(--muted); }
.legend span.run { color: var(--fg); margin-right: 16px; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px 22px; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: 600; }
figcaption .note { font-weight: 400; color: var(--muted); }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid line { stroke: var(--grid); stroke-width: 1; }
svg .frame { fill: none; stroke: #aaa; }
svg .axis text { font-size: 11px; fill: #444; }
svg .axis.y text { text-anchor: end; }
svg .axis.x text { text-anchor: middle; }
svg .axis text.title { font-size: 12px; fill: #222; text-anchor: middle; }
svg .band rect { fill: var(--band); }
svg .band text { font-size: 11px; fill: #8a7a55; }
svg .line { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
svg .line.dashed { stroke-dasharray: 6 4; }
svg .marker text { font-size: 11px; font-weight: 600; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; }
svg .empty { fill: var(--muted); text-anchor: middle; }
.runs { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 8px 22px; }
table.ledger { margin-bottom: 8px; }
pre { background: #f7f7f7; padding: 8px; margin: 0; overflow-x: auto; font-size: 12px; }
.ok { color: #1b7f3b; }
.bad { color: #b00020; font-weight: 600; }
@media screen and (max-width: 900px) { .charts { grid-template-columns: 1fr; } }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .charts { gap: 6px 14px; }
  pre { white-space: pre-wrap; }
  .runs > div, table { break-inside: avoid; }
}
)css";

// Records script errors and failed loads on <html data-errors>, and, once laid out, how many
// charts have a size, so that a headless browser's DOM says whether the page rendered cleanly.
constexpr char kRenderCheckScript[] = R"js(
(function () {
  var errors = [];
  window.addEventListener('error', function (e) {
    var t = e.target;
    errors.push(e.message || ('cannot load ' + ((t && (t.src || t.href)) || 'a resource')));
    document.documentElement.setAttribute('data-errors', errors.join('; '));
  }, true);
  window.addEventListener('load', function () {
    var sized = 0;
    document.querySelectorAll('svg.chart').forEach(function (svg) {
      var box = svg.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) sized++;
    });
    document.documentElement.setAttribute('data-charts-laid-out', String(sized));
  });
})();
)js";

std::string ConfigValue(const RunReport& r, const std::string& key) {
  auto it = r.config.find(key);
  return it == r.config.end() ? "" : it->second;
}

double WarmupSeconds(const RunReport& r) {
  absl::Duration d;
  return absl::ParseDuration(ConfigValue(r, "warmup"), &d) ? absl::ToDoubleSeconds(d) : 0;
}

std::string LoadShape(const RunReport& r) {
  const std::string rate = ConfigValue(r, "rate");
  return rate.empty() || rate == "0"
             ? absl::StrCat("closed loop, pipeline ", ConfigValue(r, "pipeline"))
             : absl::StrCat("fixed rate ", rate, "/s");
}

int64_t CpuNanos(const LoadStats& s) {
  int64_t total = 0;
  for (const ThreadCpu& c : s.cpu) total += c.user_nanos + c.system_nanos;
  return total;
}

// HdrHistogram's percentile axis: x = log10(1 / (1 - p)), so 90%, 99%, 99.9% are equally
// spaced. 100% has no place on it; it is drawn at the axis' right end.
double PercentileX(double percentile, double axis_end) {
  if (percentile >= 100.0) return axis_end;
  return std::min(axis_end, std::log10(100.0 / (100.0 - percentile)));
}

// "0%", "90%", "99%", "99.9%", ... for 0, 1, 2, 3, ... on that axis.
std::string PercentileLabel(int decade) {
  if (decade == 0) return "0%";
  if (decade == 1) return "90%";
  if (decade == 2) return "99%";
  return absl::StrCat("99.", std::string(decade - 2, '9'), "%");
}

// Counts on an axis: exact while short ("0.5", "250"), compact when long ("12.5k").
std::string CountLabel(double v) { return v < 1e4 ? absl::StrFormat("%g", v) : FormatCount(v); }

std::string NanosLabel(double nanos) {
  return FormatNanos(static_cast<int64_t>(std::llround(nanos)));
}

// Latency by percentile, one line per (run, histogram), with p50/p99 labelled on the first
// histogram of each run.
struct PercentileLine {
  std::string name;
  const LatencyHistogram LoadStats::*histogram;
  bool dashed;
};

std::string PercentileChart(const std::string& id, const std::vector<LabelledRun>& runs,
                            const std::vector<PercentileLine>& lines) {
  std::vector<std::vector<std::vector<PercentilePoint>>> distributions;
  // The axis reaches the decade of the highest percentile below 100% drawn, and at least 99%.
  double finite_end = 2;
  for (const LabelledRun& run : runs) {
    auto& per_run = distributions.emplace_back();
    for (const PercentileLine& line : lines) {
      per_run.push_back(PercentileDistribution(run.report->stats.*line.histogram));
      for (const PercentilePoint& p : per_run.back()) {
        if (p.percentile < 100.0) {
          finite_end = std::max(finite_end, std::log10(100.0 / (100.0 - p.percentile)));
        }
      }
    }
  }
  const int decades = static_cast<int>(std::ceil(finite_end - 1e-9));
  SvgLineChart chart(id, "percentile", "latency");
  std::vector<SvgLineChart::Tick> ticks;
  for (int d = 0; d <= decades; ++d) ticks.push_back({static_cast<double>(d), PercentileLabel(d)});
  chart.set_x_ticks(std::move(ticks));
  chart.set_y_format(NanosLabel);
  for (size_t r = 0; r < runs.size(); ++r) {
    for (size_t l = 0; l < lines.size(); ++l) {
      SvgLineChart::Series series{
          runs[r].label, lines[l].name, static_cast<int>(r), lines[l].dashed, {}};
      for (const PercentilePoint& p : distributions[r][l]) {
        series.points.emplace_back(PercentileX(p.percentile, decades),
                                   static_cast<double>(p.value_nanos));
      }
      chart.AddSeries(std::move(series));
    }
    const LatencyHistogram& h = runs[r].report->stats.*lines[0].histogram;
    if (h.count() == 0) continue;
    for (double p : {50.0, 99.0}) {
      const int64_t v = h.ValueAtPercentile(p);
      chart.AddMarker({runs[r].label, absl::StrCat("p", p), static_cast<int>(r),
                       PercentileX(p, decades), static_cast<double>(v),
                       absl::StrCat("p", p, " ", FormatNanos(v)), static_cast<int>(r)});
    }
  }
  return chart.Render();
}

// A value per second of the run, one line per (run, value), warm-up shaded.
struct SecondLine {
  std::string name;
  bool dashed;
  // The value at a second, or nothing to draw (a latency in a second without responses).
  std::function<std::optional<double>(const SeriesPoint&)> value;
};

std::string SecondsChart(const std::string& id, const std::string& y_title,
                         std::function<std::string(double)> y_format,
                         const std::vector<LabelledRun>& runs,
                         const std::vector<SecondLine>& lines) {
  SvgLineChart chart(id, "seconds since start", y_title);
  chart.set_x_format([](double s) { return absl::StrFormat("%gs", s); });
  chart.set_x_min(0);
  chart.set_y_format(std::move(y_format));
  std::set<double> warmups;
  for (const LabelledRun& run : runs) {
    if (WarmupSeconds(*run.report) > 0) warmups.insert(WarmupSeconds(*run.report));
  }
  for (double w : warmups) {
    chart.AddBand({warmups.size() == 1 ? "warm-up" : absl::StrFormat("warm-up %gs", w), 0, w});
  }
  for (size_t r = 0; r < runs.size(); ++r) {
    for (const SecondLine& line : lines) {
      SvgLineChart::Series series{runs[r].label, line.name, static_cast<int>(r), line.dashed, {}};
      for (const SeriesPoint& p : runs[r].report->series) {
        // At the end of the span the figures cover (the last second may be partial).
        if (std::optional<double> v = line.value(p)) {
          series.points.emplace_back(p.second - 1 + p.span_seconds, *v);
        }
      }
      chart.AddSeries(std::move(series));
    }
  }
  return chart.Render();
}

// A count over a second's span as a rate, so that the run's last, partial second is not drawn as
// a collapse.
std::optional<double> PerSecond(const SeriesPoint& p, uint64_t count) {
  return count / (p.span_seconds > 0 ? p.span_seconds : 1.0);
}

// Nothing for a second without measured latencies (one in the warm-up, or without responses).
std::optional<double> SecondPercentile(const SeriesPoint& p, double percentile) {
  LatencyHistogram h;
  if (!h.AddSnapshot(p.latency).ok() || h.count() == 0) return std::nullopt;
  return static_cast<double>(h.ValueAtPercentile(percentile));
}

std::string Swatch(int color) {
  return absl::StrFormat("<span class=\"swatch\" style=\"border-color:%s\"></span>",
                         ChartColor(color));
}

std::string Figure(const std::string& caption, const std::string& note, const std::string& svg) {
  return absl::StrCat("<figure><figcaption>", HtmlEscape(caption), " <span class=\"note\">",
                      HtmlEscape(note), "</span></figcaption>\n", svg, "</figure>\n");
}

void AppendSummary(std::string& out, const std::vector<LabelledRun>& runs) {
  absl::StrAppend(&out,
                  "<h2>Summary</h2>\n<table class=\"summary\">\n<tr><th>run</th>"
                  "<th>load</th><th>connections</th><th>measured</th><th>requests/s</th>"
                  "<th>p50</th><th>p99</th><th>p99.9</th><th>max</th><th>ok</th><th>failed</th>"
                  "<th>client CPU/request</th><th>result</th></tr>\n");
  for (size_t r = 0; r < runs.size(); ++r) {
    const RunReport& report = *runs[r].report;
    const LoadStats& s = report.stats;
    const double seconds = s.measured_nanos / 1e9;
    const uint64_t answered = s.ledger.ok + s.ledger.error_replies + s.ledger.mismatched;
    const Verdict verdict = report.Evaluate();
    absl::StrAppendFormat(
        &out,
        "<tr data-run=\"%s\"><td>%s%s</td><td class=\"text load\">%s, "
        "%s</td><td>%s</td><td>%.2fs%s</td><td>%s</td><td data-value=\"p50\">%s</td>"
        "<td data-value=\"p99\">%s</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%s</td>"
        "<td class=\"text result %s\">%s</td></tr>\n",
        HtmlEscape(runs[r].label), Swatch(static_cast<int>(r)), HtmlEscape(runs[r].label),
        HtmlEscape(ConfigValue(report, "protocol")), HtmlEscape(LoadShape(report)),
        HtmlEscape(ConfigValue(report, "connections")), seconds,
        report.merged_runs > 1 ? absl::StrCat(" (", report.merged_runs, " runs merged)") : "",
        seconds > 0 ? FormatCount(s.measured_responses / seconds) : "-",
        FormatNanos(s.corrected.ValueAtPercentile(50)),
        FormatNanos(s.corrected.ValueAtPercentile(99)),
        FormatNanos(s.corrected.ValueAtPercentile(99.9)), FormatNanos(s.corrected.max()),
        s.ledger.ok, report.FailedRequests(),
        answered > 0 ? absl::StrFormat("%.2fus", CpuNanos(s) / 1e3 / answered) : "-",
        verdict.exit_code == kExitOk ? "ok" : "bad",
        HtmlEscape(verdict.exit_code == kExitOk
                       ? verdict.reason
                       : absl::StrCat(verdict.reason, " (exit ", verdict.exit_code, ")")));
  }
  absl::StrAppend(&out, "</table>\n");
}

void AppendCharts(std::string& out, const std::vector<LabelledRun>& runs) {
  absl::StrAppend(&out, "<h2>Charts</h2>\n<div class=\"legend\">");
  for (size_t r = 0; r < runs.size(); ++r) {
    absl::StrAppend(&out, "<span class=\"run\">", Swatch(static_cast<int>(r)),
                    HtmlEscape(runs[r].label), "</span>");
  }
  absl::StrAppend(&out, "</div>\n<div class=\"charts\">\n");
  absl::StrAppend(&out,
                  Figure("Latency by percentile",
                         "solid: corrected (from the intended send time); dashed: uncorrected",
                         PercentileChart("latency-percentiles", runs,
                                         {{"corrected", &LoadStats::corrected, false},
                                          {"uncorrected", &LoadStats::uncorrected, true}})));
  absl::StrAppend(&out, Figure("Requests per second", "responses in each second of the run",
                               SecondsChart("requests-per-second", "requests/s", CountLabel, runs,
                                            {{"responses", false, [](const SeriesPoint& p) {
                                                return PerSecond(p, p.responses);
                                              }}})));
  absl::StrAppend(
      &out,
      Figure("Latency over time", "solid: p50; dashed: p99 (corrected), per second",
             SecondsChart(
                 "latency-over-time", "latency", NanosLabel, runs,
                 {{"p50", false, [](const SeriesPoint& p) { return SecondPercentile(p, 50); }},
                  {"p99", true, [](const SeriesPoint& p) { return SecondPercentile(p, 99); }}})));
  absl::StrAppend(&out, Figure("Errors per second", "requests that ended in an error, each second",
                               SecondsChart("errors-per-second", "errors/s", CountLabel, runs,
                                            {{"errors", false, [](const SeriesPoint& p) {
                                                return PerSecond(p, p.errors);
                                              }}})));
  absl::StrAppend(
      &out, Figure("Connect latency by percentile", "connect() to the connection being writable",
                   PercentileChart("connect-percentiles", runs,
                                   {{"connect", &LoadStats::connect, false}})));
  absl::StrAppend(&out, "</div>\n");
}

void AppendConfiguration(std::string& out, const std::vector<LabelledRun>& runs) {
  std::set<std::string> keys;
  for (const LabelledRun& run : runs) {
    for (const auto& [key, value] : run.report->config) keys.insert(key);
  }
  absl::StrAppend(&out, "<h2>Configuration</h2>\n<table class=\"config\">\n<tr><th>flag</th>");
  for (const LabelledRun& run : runs) absl::StrAppend(&out, "<th>", HtmlEscape(run.label), "</th>");
  absl::StrAppend(&out, "</tr>\n");
  for (const std::string& key : keys) {
    absl::StrAppend(&out, "<tr><td>--", HtmlEscape(key), "</td>");
    for (const LabelledRun& run : runs) {
      absl::StrAppend(&out, "<td class=\"text\">", HtmlEscape(ConfigValue(*run.report, key)),
                      "</td>");
    }
    absl::StrAppend(&out, "</tr>\n");
  }
  absl::StrAppend(&out, "</table>\n");
}

void AppendClientCpu(std::string& out, const std::vector<LabelledRun>& runs) {
  absl::StrAppend(&out,
                  "<h2>Client CPU</h2>\n<table class=\"cpu\">\n<tr><th>run</th><th>thread</th>"
                  "<th>share of a core</th><th>user</th><th>system</th><th>wall</th></tr>\n");
  for (const LabelledRun& run : runs) {
    const std::vector<ThreadCpu>& cpu = run.report->stats.cpu;
    for (size_t t = 0; t < cpu.size(); ++t) {
      absl::StrAppendFormat(
          &out,
          "<tr><td>%s</td><td>%d</td><td class=\"%s\">%.0f%%</td><td>%.2fs</td><td>%.2fs</td>"
          "<td>%.2fs</td></tr>\n",
          HtmlEscape(run.label), t, cpu[t].Utilisation() >= 0.9 ? "bad" : "",
          100 * cpu[t].Utilisation(), cpu[t].user_nanos / 1e9, cpu[t].system_nanos / 1e9,
          cpu[t].wall_nanos / 1e9);
    }
  }
  absl::StrAppend(&out,
                  "</table>\n<p class=\"subtitle\">A client thread at 90% of a core or more "
                  "measured itself as much as the server.</p>\n");
}

// The ledger's counters as rows (walked from kLedgerFields, so a new counter appears by itself),
// one column per run, then each run's identities as the ledger prints them.
void AppendLedger(std::string& out, const std::vector<LabelledRun>& runs) {
  absl::StrAppend(&out, "<h2>Ledger</h2>\n<table class=\"ledger\">\n<tr><th>counter</th>");
  for (size_t r = 0; r < runs.size(); ++r) {
    absl::StrAppend(&out, "<th>", Swatch(static_cast<int>(r)), HtmlEscape(runs[r].label), "</th>");
  }
  absl::StrAppend(&out, "</tr>\n");
  auto row = [&](const std::string& name, auto value_of) {
    absl::StrAppend(&out, "<tr data-field=\"", HtmlEscape(name), "\"><td>", HtmlEscape(name),
                    "</td>");
    for (const LabelledRun& run : runs) {
      absl::StrAppend(&out, "<td>", value_of(run.report->stats.ledger), "</td>");
    }
    absl::StrAppend(&out, "</tr>\n");
  };
  for (const LedgerField& field : kLedgerFields) {
    row(std::string(field.name), [&](const Ledger& l) { return l.*field.member; });
    if (field.member == &Ledger::connected) {
      for (int i = 0; i < kConnectFailureCount; ++i) {
        row("connect_failed " + std::string(ConnectFailureName(static_cast<ConnectFailure>(i))),
            [&](const Ledger& l) { return l.connect_failed[i]; });
      }
    }
  }
  absl::StrAppend(&out, "</table>\n<div class=\"runs\">\n");
  for (size_t r = 0; r < runs.size(); ++r) {
    absl::StrAppend(&out, "<div data-run=\"", HtmlEscape(runs[r].label), "\"><h3>",
                    Swatch(static_cast<int>(r)), HtmlEscape(runs[r].label), "</h3>\n",
                    "<pre class=\"identities\">", HtmlEscape(runs[r].report->stats.ledger.Format()),
                    "</pre></div>\n");
  }
  absl::StrAppend(&out, "</div>\n");
}

// Error replies by message, HTTP status classes and the limits that stopped connections.
void AppendErrors(std::string& out, const std::vector<LabelledRun>& runs) {
  std::string body;
  for (size_t r = 0; r < runs.size(); ++r) {
    const LoadStats& s = runs[r].report->stats;
    std::string run;
    for (const auto& [detail, n] : s.errors_by_detail) {
      absl::StrAppend(&run, "<tr><td class=\"text\">", HtmlEscape(detail), "</td><td>", n,
                      "</td></tr>\n");
    }
    for (size_t i = 0; i < s.status_classes.size(); ++i) {
      if (s.status_classes[i] == 0) continue;
      absl::StrAppend(&run, "<tr><td class=\"text\">responses with status ",
                      i == 0 ? std::string("other") : absl::StrCat(i, "xx"), "</td><td>",
                      s.status_classes[i], "</td></tr>\n");
    }
    for (const std::string& note : s.limit_notes) {
      absl::StrAppend(&run, "<tr><td class=\"text bad\">limit: ", HtmlEscape(note),
                      "</td><td></td></tr>\n");
    }
    if (run.empty()) continue;
    absl::StrAppend(&body, "<div data-run=\"", HtmlEscape(runs[r].label), "\"><h3>",
                    Swatch(static_cast<int>(r)), HtmlEscape(runs[r].label),
                    "</h3>\n<table class=\"errors\">\n<tr><th>what</th><th>count</th></tr>\n", run,
                    "</table></div>\n");
  }
  if (body.empty()) return;
  absl::StrAppend(&out, "<h2>Errors and responses by status</h2>\n<div class=\"runs\">\n", body,
                  "</div>\n");
}

}  // namespace

std::string FormatHtmlReport(const std::vector<LabelledRun>& runs) {
  std::string title;
  if (runs.size() == 1) {
    const RunReport& r = *runs[0].report;
    title = absl::StrCat(ConfigValue(r, "protocol"), " load on ", ConfigValue(r, "target"));
  } else {
    std::vector<std::string> labels;
    for (const LabelledRun& run : runs) labels.push_back(run.label);
    title = absl::StrCat(runs.size(), " runs: ", absl::StrJoin(labels, ", "));
  }
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
      HtmlEscape(title), "</title>\n<script>", kRenderCheckScript, "</script>\n<style>", kStyle,
      "</style>\n</head>\n<body>\n<main>\n<h1>", HtmlEscape(title), "</h1>\n");
  if (!runs.empty()) {
    const RunReport& first = *runs[0].report;
    absl::StrAppend(&out, "<p class=\"subtitle\">", HtmlEscape(LoadShape(first)), ", ",
                    HtmlEscape(ConfigValue(first, "connections")), " connections, ",
                    HtmlEscape(ConfigValue(first, "threads")), " thread(s)",
                    runs.size() > 1 ? " (first run)" : "", "</p>\n");
  }
  AppendSummary(out, runs);
  AppendCharts(out, runs);
  AppendLedger(out, runs);
  AppendErrors(out, runs);
  AppendConfiguration(out, runs);
  AppendClientCpu(out, runs);
  absl::StrAppend(&out, "</main>\n</body>\n</html>\n");
  return out;
}

}  // namespace client
