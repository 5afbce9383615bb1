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

// Exit statuses, each with one cause.
enum ExitCode {
  kExitOk = 0,
  kExitBadFlags = 1,
  kExitNoConnection = 2,
  kExitAllConnectionsLost = 3,
  kExitMismatch = 4,
  kExitUnbalanced = 5,
  kExitNoResponses = 6,
  kExitSetupFailed = 7,
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
  int merged_runs = 1;
  // Set when the run had an end condition (--requests) that it met.
  bool request_quota_met = false;
  bool quota_mode = false;

  // Exit 0 only when requests completed, nothing mismatched and the ledger balances.
  Verdict Evaluate() const;
  std::string FormatSummary() const;
  std::string ToJson() const;
  static absl::StatusOr<RunReport> FromJson(std::string_view json);
  // Exact: histograms and counts are summed; series add second by second.
  void Merge(const RunReport& other);
};

}  // namespace client

#endif  // CLIENT_RUN_REPORT_H_
