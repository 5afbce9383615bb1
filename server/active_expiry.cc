// ActiveExpiry: one bounded expiry slice at a time, the next one sooner while a backlog lasts.
#include "server/active_expiry.h"

namespace server {

ActiveExpiry::ActiveExpiry(reactor::EventLoop* loop, Dataset* dataset, const Options& options)
    : loop_(loop), dataset_(dataset), options_(options) {
  timer_ = loop_->RunAfter(options_.idle_interval, [this] { Cycle(); });
}

ActiveExpiry::~ActiveExpiry() {
  *alive_ = false;
  loop_->Cancel(timer_);
}

void ActiveExpiry::Cycle() {
  keyspace::Keyspace::CycleResult result;
  {
    Dataset::Access access(*dataset_);
    result = access.keys().ExpireCycle(absl::ToInt64Nanoseconds(options_.budget));
  }
  expired_ += result.expired;
  if (result.more) {
    loop_->Defer([this, alive = alive_] {
      if (*alive) Cycle();
    });
  } else {
    timer_ = loop_->RunAfter(options_.idle_interval, [this] { Cycle(); });
  }
}

}  // namespace server
