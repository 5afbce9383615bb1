// ActiveExpiry: one bounded expiry slice per timer, rescheduled by how much is left.
#include "server/active_expiry.h"

namespace server {

ActiveExpiry::ActiveExpiry(reactor::EventLoop* loop, Dataset* dataset, const Options& options)
    : loop_(loop), dataset_(dataset), options_(options) {
  timer_ = loop_->RunAfter(options_.idle_interval, [this] { Cycle(); });
}

ActiveExpiry::~ActiveExpiry() { loop_->Cancel(timer_); }

void ActiveExpiry::Cycle() {
  keyspace::Keyspace::CycleResult result;
  {
    Dataset::Access access(*dataset_);
    result = access.keys().ExpireCycle(absl::ToInt64Nanoseconds(options_.budget));
  }
  expired_ += result.expired;
  timer_ = loop_->RunAfter(result.more ? options_.busy_interval : options_.idle_interval,
                           [this] { Cycle(); });
}

}  // namespace server
