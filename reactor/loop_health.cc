// LoopHealthRecorder: one iteration's worth of health counters.
#include "reactor/loop_health.h"

namespace reactor {

void LoopHealthRecorder::OnIteration(int events, int64_t busy_nanos) {
  const uint64_t busy = busy_nanos > 0 ? static_cast<uint64_t>(busy_nanos) : 0;
  ++stats_->loop_wakeups;
  stats_->loop_events += static_cast<uint64_t>(events);
  stats_->loop_iteration_nanos.Record(busy);
  stats_->loop_longest_iteration_nanos.Raise(busy);
  // Sessions count requests as they answer them; the difference is this iteration's share.
  const uint64_t requests = stats_->requests_processed.value();
  stats_->loop_requests_per_wakeup.Record(requests - requests_seen_);
  requests_seen_ = requests;
}

}  // namespace reactor
