// LoadStats: the exact merge of per-thread (or per-machine) results.
#include "client/load_stats.h"

#include <algorithm>

namespace client {

void LoadStats::Merge(const LoadStats& other) {
  ledger.Merge(other.ledger);
  corrected.Merge(other.corrected);
  uncorrected.Merge(other.uncorrected);
  connect.Merge(other.connect);
  send_lag.Merge(other.send_lag);
  lower_bounds += other.lower_bounds;
  lower_bound_min_nanos = std::min(lower_bound_min_nanos, other.lower_bound_min_nanos);
  measured_responses += other.measured_responses;
  measured_sent += other.measured_sent;
  target_rate += other.target_rate;
  in_flight_cap_hits += other.in_flight_cap_hits;
  bytes_sent += other.bytes_sent;
  bytes_received += other.bytes_received;
  measured_nanos = std::max(measured_nanos, other.measured_nanos);
  open_at_end += other.open_at_end;
  never_connected += other.never_connected;
  open_verified_at_end += other.open_verified_at_end;
  cpu.insert(cpu.end(), other.cpu.begin(), other.cpu.end());
  for (const auto& [detail, n] : other.errors_by_detail) errors_by_detail[detail] += n;
  for (size_t i = 0; i < status_classes.size(); ++i) status_classes[i] += other.status_classes[i];
  limit_notes.insert(other.limit_notes.begin(), other.limit_notes.end());
}

}  // namespace client
