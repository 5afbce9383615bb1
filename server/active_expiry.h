// ActiveExpiry: reclaims keys past their deadline that no command touches, from a loop's
// timers, a bounded slice of time at a time so the loop keeps answering while millions expire.
#ifndef SERVER_ACTIVE_EXPIRY_H_
#define SERVER_ACTIVE_EXPIRY_H_

#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "reactor/event_loop.h"
#include "server/dataset.h"

namespace server {

// Every `idle_interval` (Redis's hz 10: 100 ms) one slice erases expired keys for at most
// `budget`. A slice cut short by its budget is followed by another on the loop's next iteration
// (EventLoop::Defer: after a zero-wait epoll_wait and whatever I/O it brought), so a backlog
// drains with all the time the loop does not spend on requests, and a request waits behind one
// slice at most.
//
//   ActiveExpiry expiry(loop, &dataset);   // on the loop's thread; cancels its timer when gone
class ActiveExpiry {
 public:
  struct Options {
    absl::Duration idle_interval = absl::Milliseconds(100);
    absl::Duration budget = absl::Microseconds(250);
  };

  ActiveExpiry(reactor::EventLoop* loop, Dataset* dataset) : ActiveExpiry(loop, dataset, {}) {}
  ActiveExpiry(reactor::EventLoop* loop, Dataset* dataset, const Options& options);
  ~ActiveExpiry();
  ActiveExpiry(const ActiveExpiry&) = delete;
  ActiveExpiry& operator=(const ActiveExpiry&) = delete;

  uint64_t expired() const { return expired_; }

 private:
  void Cycle();

  reactor::EventLoop* const loop_;
  Dataset* const dataset_;
  const Options options_;
  reactor::TimerId timer_ = 0;
  // A deferred slice cannot be cancelled: it checks this first (false once destroyed).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  uint64_t expired_ = 0;
};

}  // namespace server

#endif  // SERVER_ACTIVE_EXPIRY_H_
