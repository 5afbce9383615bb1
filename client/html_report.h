// FormatHtmlReport: one or several finished runs as a self-contained HTML page (inline SVG and
// CSS, no external script, font or request), readable on screen and in print.
#ifndef CLIENT_HTML_REPORT_H_
#define CLIENT_HTML_REPORT_H_

#include <string>
#include <vector>

#include "client/run_report.h"

namespace client {

// A run and the name it is shown under; runs are overlaid in the order given.
struct LabelledRun {
  std::string label;
  const RunReport* report = nullptr;
};

// The page: a summary table; charts of latency by percentile (corrected and uncorrected, on
// HdrHistogram's log "percentile" axis), requests/s, p50/p99 and errors per second over the run
// (warm-up shaded), and connect latency by percentile; then each run's ledger, configuration,
// client CPU and errors. Every chart is an <svg data-chart=...> whose lines carry data-run,
// data-series and data-points, so a test (or a script) can read what was drawn.
std::string FormatHtmlReport(const std::vector<LabelledRun>& runs);

}  // namespace client

#endif  // CLIENT_HTML_REPORT_H_
