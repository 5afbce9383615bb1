// LoopHealthRecorder: turns a loop's iterations into its health counters (wakeups, events per
// wakeup, iteration time, requests per wakeup, the longest iteration) in its ServerStats.
#ifndef REACTOR_LOOP_HEALTH_H_
#define REACTOR_LOOP_HEALTH_H_

#include <cstdint>

#include "reactor/event_loop.h"
#include "reactor/server_stats.h"

namespace reactor {

// Installed on a loop as its IterationObserver; runs on the loop's thread, so it writes the
// loop's counters like any other single writer. No allocation, no lock.
//
//   LoopHealthRecorder health(&stats);
//   loop->set_iteration_observer(&health);
class LoopHealthRecorder : public IterationObserver {
 public:
  explicit LoopHealthRecorder(ServerStats* stats) : stats_(stats) {}

  void OnIteration(int events, int64_t busy_nanos) override;

 private:
  ServerStats* const stats_;
  uint64_t requests_seen_ = 0;  // requests_processed at the end of the previous iteration
};

}  // namespace reactor

#endif  // REACTOR_LOOP_HEALTH_H_
