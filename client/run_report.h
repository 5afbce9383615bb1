// RunReport: a finished run's results (one machine's, or several merged), its verdict, and its
// two forms: the human summary table and the JSON document that `client merge` reads back.
#ifndef CLIENT_RUN_REPORT_H_
#define CLIENT_RUN_REPORT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/load_stats.h"
#include "client/progress_reporter.h"

namespace client {

// Exit statuses, each with one cause (the README lists them). When several apply, the first in
// RunReport::Evaluate's order is given.
enum ExitCode {
  kExitOk = 0,
  kExitBadFlags = 1,
  kExitNoConnection = 2,
  kExitAllConnectionsLost = 3,
  kExitMismatch = 4,
  kExitUnbalanced = 5,
  kExitNoResponses = 6,
  kExitSetupFailed = 7,
  kExitNotAllConnected = 8,  // some requested connection never connected
  kExitErrors = 9,           // errors above --max_error_ratio
  kExitRateShortfall = 10,   // achieved rate below --rate by more than --rate_tolerance
  kExitLimit = 11,           // a limit the client cannot lift stopped connections (LIMIT:)
};

struct Verdict {
  int exit_code = kExitOk;
  std::string reason;
};

struct RunReport {
  // The configuration as flag name -> value text, echoed into the JSON and the summary header.
  std::map<std::string, std::string> config;
  LoadStats stats;
  std::vector<SeriesPoint> series;
  // Choices the client made for the run and why (e.g. automatic source addresses), printed with
  // the summary.
  std::vector<std::string> notes;
  int merged_runs = 1;
  // The wall-clock start of each run merged here (one for a single run). A merge adds windows
  // second by second, which assumes the runs ran at the same time.
  std::vector<int64_t> run_starts_unix_nanos;
  // Set when the run had an end condition (--requests) that it met.
  bool request_quota_met = false;
  bool quota_mode = false;
  // The thresholds the verdict applies (from the flags; a merge keeps the first run's).
  double max_error_ratio = 0;
  double rate_tolerance = 0.01;

  // Exit 0 only when every requested connection connected, nothing mismatched, errors and the
  // rate shortfall are within their limits, no limit stopped the client and the ledger balances.
  Verdict Evaluate() const;
  // Requests that did not succeed: error replies, timeouts, lost with their connection, and
  // unanswered or never sent (owed) at the end.
  uint64_t FailedRequests() const;
  // Requests still unanswered when the end's drain time was up (none counted for a document
  // written before the client waited for them).
  uint64_t UnansweredAtEnd() const;
  // Fixed rate: requests sent per second in the measured window.
  double AchievedRate() const;
  std::string FormatSummary() const;
  std::string ToJson() const;
  static absl::StatusOr<RunReport> FromJson(std::string_view json);
  // Exact: histograms and counts are summed; series add second by second.
  void Merge(const RunReport& other);
};

}  // namespace client

#endif  // CLIENT_RUN_REPORT_H_
