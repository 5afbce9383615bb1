// StatsLine: interval arithmetic over the counter table, and the timer that prints it.
#include "server/stats_line.h"

#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "logging/log.h"

namespace server {
namespace {

using reactor::ServerStats;
using reactor::StatField;

// The interval's increase of every field of `family` together.
uint64_t FamilyDelta(const ServerStats& before, const ServerStats& now, std::string_view family) {
  uint64_t delta = 0;
  for (const StatField& field : reactor::StatFields()) {
    if (field.family == family) delta += field.get(now).value() - field.get(before).value();
  }
  return delta;
}

std::string Rate(double count, double seconds) {
  return absl::StrFormat("%.0f", seconds > 0 ? count / seconds : 0.0);
}

std::string ByteRate(double bytes, double seconds) {
  const double rate = seconds > 0 ? bytes / seconds : 0.0;
  if (rate >= 1e9) return absl::StrFormat("%.2f GB/s", rate / 1e9);
  if (rate >= 1e6) return absl::StrFormat("%.2f MB/s", rate / 1e6);
  if (rate >= 1e3) return absl::StrFormat("%.2f kB/s", rate / 1e3);
  return absl::StrFormat("%.0f B/s", rate);
}

}  // namespace

std::string FormatStatsLine(const ServerStats& before, const ServerStats& now, double seconds,
                            uint64_t longest_iteration_nanos) {
  auto delta = [&](const reactor::Counter ServerStats::*counter) {
    return static_cast<double>((now.*counter).value() - (before.*counter).value());
  };
  std::string closes;
  for (const StatField& field : reactor::StatFields()) {
    if (field.family != "connections_closed_total") continue;
    absl::StrAppend(&closes, closes.empty() ? "" : ", ", std::string(field.label_value), " ",
                    field.get(now).value() - field.get(before).value());
  }
  const double wakeups = delta(&ServerStats::loop_wakeups);
  return absl::StrCat(
      "stats: open ", now.connections_current.value(), ", accepts/s ",
      Rate(delta(&ServerStats::connections_accepted), seconds), ", requests/s ",
      Rate(delta(&ServerStats::requests_processed), seconds), ", in ",
      ByteRate(delta(&ServerStats::bytes_in), seconds), ", out ",
      ByteRate(delta(&ServerStats::bytes_out), seconds), ", refused ",
      FamilyDelta(before, now, "connections_refused_total"), ", protocol errors ",
      FamilyDelta(before, now, "protocol_errors_total"), ", closed ",
      FamilyDelta(before, now, "connections_closed_total"), " (", closes, ")", ", wakeups/s ",
      Rate(wakeups, seconds), ", events/wakeup ",
      absl::StrFormat("%.1f", wakeups > 0 ? delta(&ServerStats::loop_events) / wakeups : 0.0),
      ", longest iteration ", absl::StrFormat("%.2f ms", longest_iteration_nanos / 1e6));
}

StatsLineReporter::StatsLineReporter(reactor::EventLoop* loop, absl::Duration interval,
                                     std::function<ServerStats()> total,
                                     std::function<uint64_t()> take_longest)
    : loop_(loop),
      total_(std::move(total)),
      take_longest_(std::move(take_longest)),
      previous_(total_()),
      previous_nanos_(reactor::MonotonicNanos()) {
  take_longest_();  // the first interval starts now
  timer_ = loop_->RunEvery(interval, [this] { Report(); });
}

StatsLineReporter::~StatsLineReporter() { loop_->Cancel(timer_); }

void StatsLineReporter::Report() {
  ServerStats now = total_();
  const uint64_t longest = take_longest_();
  const int64_t now_nanos = reactor::MonotonicNanos();
  logging::Write(logging::Level::kInfo,
                 FormatStatsLine(previous_, now, (now_nanos - previous_nanos_) / 1e9, longest));
  previous_ = std::move(now);
  previous_nanos_ = now_nanos;
}

}  // namespace server
