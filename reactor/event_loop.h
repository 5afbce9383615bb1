// EventLoop: the one thread's epoll loop. It owns readiness dispatch, timers, deferred tasks,
// cross-thread stop requests and signal delivery; everything else in the reactor runs from it.
#ifndef REACTOR_EVENT_LOOP_H_
#define REACTOR_EVENT_LOOP_H_

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace reactor {

// Receives readiness for one registered fd. `events` is epoll's mask: EPOLLIN, EPOLLOUT,
// EPOLLRDHUP, EPOLLERR, EPOLLHUP. EPOLLERR and EPOLLHUP arrive whatever the interest, so every
// handler must act on them (read or write to collect the error, then close), or it will be called
// again at once, forever.
class EventHandler {
 public:
  virtual void OnEvents(uint32_t events) = 0;

 protected:
  ~EventHandler() = default;
};

using TimerId = uint64_t;

// Told at the end of every iteration of EventLoop::Run: how many events it dispatched and how
// long it worked, from epoll_wait's return until it is about to wait again (timers and deferred
// tasks included). What a loop-lag metric is made of.
class IterationObserver {
 public:
  virtual void OnIteration(int events, int64_t busy_nanos) = 0;

 protected:
  ~IterationObserver() = default;
};

// Monotonic nanoseconds (CLOCK_MONOTONIC): the loop's unit of time.
int64_t MonotonicNanos();

// A deadline that never comes: what an infinite (or overflowing) duration is measured to.
inline constexpr int64_t kNeverNanos = INT64_MAX;

// `start + delay` in nanoseconds, saturating at kNeverNanos: absl::InfiniteDuration() (and any
// delay too long to represent) means never, not an overflow into the past. Negative delays count
// as zero. Every deadline in the reactor is computed here.
int64_t DeadlineAfter(int64_t start_nanos, absl::Duration delay);
int64_t DeadlineAfter(int64_t start_nanos, int64_t delay_nanos);

// A level-triggered epoll loop for one thread.
//
//   auto loop = EventLoop::Create();
//   (*loop)->Add(fd, EPOLLIN, &handler);
//   (*loop)->RunAfter(absl::Seconds(1), [] { ... });
//   (*loop)->Run();  // until Stop()
//
// Every method except `Stop()` must be called on the loop's thread. Level triggering means a
// handler may read a bounded amount per wakeup and be called again for the rest, which keeps one
// busy connection from starving the others.
//
// Stale events: epoll reports a batch of up to `kMaxEventsPerWait` events at once. If a handler
// removes and closes fd 7, and another accepts a new connection that is given fd 7 again, events
// for the old fd 7 may still be in the batch. Each registration therefore carries a generation
// number in the epoll data; events whose generation does not match the fd's current registration
// are dropped.
class EventLoop {
 public:
  static constexpr int kMaxEventsPerWait = 256;

  static absl::StatusOr<std::unique_ptr<EventLoop>> Create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts watching `fd` for `events` (EPOLLIN, EPOLLOUT, EPOLLRDHUP). `handler` must stay valid
  // until `Remove(fd)`. Remove before closing the fd.
  absl::Status Add(int fd, uint32_t events, EventHandler* handler);
  // Replaces the interest set of a registered fd. A no-op, with no syscall, when it is unchanged.
  absl::Status Modify(int fd, uint32_t events);
  // Stops watching `fd`; events for it still pending in the current batch are dropped.
  absl::Status Remove(int fd);
  bool IsRegistered(int fd) const;
  // The interest set of a registered fd, or 0.
  uint32_t InterestOf(int fd) const;

  // Calls `callback` once, `delay` from now. Timers fire in deadline order; equal deadlines fire
  // in the order they were set. An infinite delay never fires (the timer is kept until
  // cancelled).
  TimerId RunAfter(absl::Duration delay, absl::AnyInvocable<void()> callback);
  // Calls `callback` every `interval`, the first time one interval from now. The schedule does not
  // drift: each deadline is the previous one plus `interval`, skipping ticks that are already past.
  // An infinite interval never fires.
  TimerId RunEvery(absl::Duration interval, absl::AnyInvocable<void()> callback);
  // Cancels a pending timer (a timer may cancel itself from its own callback). Returns false if
  // it had already fired (one-shot) or was cancelled.
  bool Cancel(TimerId id);
  // Moves a live timer's next deadline to `delay` from now, keeping its id and callback: the way
  // to push back an idle timeout without a Cancel and a new RunAfter. Inside its own callback a
  // one-shot timer re-arms itself this way, and a repeating one sets its next tick (the interval
  // then continues from there). Returns false if the timer has fired (one-shot) or was cancelled.
  bool Reschedule(TimerId id, absl::Duration delay);
  size_t PendingTimers() const { return timer_heap_.size(); }

  // Runs `task` on this loop after the current batch of events has been dispatched. The safe way
  // for an object to destroy itself from inside its own handler.
  void Defer(absl::AnyInvocable<void()> task);

  // Runs `task` on the loop's thread, soon. Safe from any thread (a mutex and an eventfd write);
  // how another thread hands work to this loop, e.g. "shut down" to each of N server loops.
  void RunInLoop(absl::AnyInvocable<void()> task);

  // Delivers `signals` to `callback` on the loop thread through a signalfd. The signals are
  // blocked in the calling thread, so call this before starting other threads: they inherit the
  // mask. Blocked signals stay blocked after the loop is destroyed.
  absl::Status HandleSignals(std::initializer_list<int> signals,
                             absl::AnyInvocable<void(int)> callback);

  // Runs until `Stop()`. Returns an error only if epoll itself fails.
  absl::Status Run();
  // Asks `Run()` to return after the current iteration. Safe from any thread and from a signal
  // handler (an atomic store and a write to an eventfd). A stop requested before `Run()` makes it
  // return at once.
  void Stop();

  // The loop's clock, read once per iteration so handlers and timers agree on "now" without a
  // clock_gettime each.
  int64_t now_nanos() const { return now_nanos_; }
  // Iterations of `Run()` so far; lets tests prove the loop is asleep, not spinning.
  uint64_t iterations() const { return iterations_; }
  // epoll_wait calls interrupted by a signal (EINTR), which the loop retries.
  uint64_t interrupted_waits() const { return interrupted_waits_; }

  // Installs the one observer of iterations (null: none). With one, each iteration costs one
  // more clock read.
  void set_iteration_observer(IterationObserver* observer) { iteration_observer_ = observer; }

 private:
  struct Registration {
    EventHandler* handler = nullptr;
    uint32_t events = 0;
    uint32_t generation = 0;
  };
  // Timers live in a pool of slots that only grows, and a binary heap of small entries orders
  // them: arming, re-arming and cancelling move heap entries, never callbacks, and allocate
  // nothing once the pool and heap have reached the loop's peak number of timers.
  static constexpr uint32_t kNotInHeap = UINT32_MAX;
  struct TimerSlot {
    absl::AnyInvocable<void()> callback;
    int64_t interval_nanos = 0;        // 0 for one-shot timers
    TimerId id = 0;                    // 0 while the slot is free
    uint32_t heap_index = kNotInHeap;  // kNotInHeap while free or while its callback runs
  };
  struct TimerHeapEntry {
    int64_t deadline;
    uint64_t order;  // when it was (re)armed: equal deadlines fire in the order they were set
    uint32_t slot;
  };
  // What the timer whose callback is running asked for itself, applied once the callback returns.
  enum class RunningTimerNext { kAsScheduled, kRescheduled, kCancelled };
  struct RunningTimer {
    uint32_t slot = kNotInHeap;  // kNotInHeap: no callback running
    RunningTimerNext next = RunningTimerNext::kAsScheduled;
    int64_t deadline = 0;  // for kRescheduled
  };

  class Wakeup;
  class SignalWatcher;

  explicit EventLoop(int epoll_fd);
  TimerId AddTimer(int64_t delay_nanos, int64_t interval_nanos,
                   absl::AnyInvocable<void()> callback);
  // Waits at most until the next timer; returns the number of ready events or -errno.
  // `now_nanos`: the clock, if the caller has just read it (else 0).
  int Wait(int64_t now_nanos);
  void Dispatch(int ready);
  void RunExpiredTimers();
  // The live timer `id` names, or null (fired, cancelled, never issued).
  TimerSlot* FindTimer(TimerId id);
  void PushTimer(uint32_t slot, int64_t deadline);
  void RemoveTimerAt(uint32_t heap_index);
  void FreeTimerSlot(uint32_t slot);
  bool TimerEntryBefore(const TimerHeapEntry& a, const TimerHeapEntry& b) const {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.order < b.order;
  }
  void PlaceTimerEntry(uint32_t heap_index, const TimerHeapEntry& entry);
  void SiftTimerUp(uint32_t heap_index);
  void SiftTimerDown(uint32_t heap_index);
  void RunDeferredTasks();
  void RunPostedTasks();

  const int epoll_fd_;
  std::vector<Registration> registrations_;  // indexed by fd
  std::vector<epoll_event> ready_;

  std::vector<TimerSlot> timer_slots_;
  std::vector<uint32_t> free_timer_slots_;
  std::vector<TimerHeapEntry> timer_heap_;  // a min-heap on (deadline, order)
  uint64_t next_timer_order_ = 1;
  RunningTimer running_timer_;

  std::vector<absl::AnyInvocable<void()>> deferred_;
  std::vector<absl::AnyInvocable<void()>> deferred_running_;

  absl::Mutex posted_mutex_;
  std::vector<absl::AnyInvocable<void()>> posted_ ABSL_GUARDED_BY(posted_mutex_);
  std::vector<absl::AnyInvocable<void()>> posted_running_;

  std::unique_ptr<Wakeup> wakeup_;
  std::unique_ptr<SignalWatcher> signal_watcher_;
  std::atomic<bool> stop_requested_{false};

  int64_t now_nanos_ = 0;
  uint64_t iterations_ = 0;
  uint64_t interrupted_waits_ = 0;
  IterationObserver* iteration_observer_ = nullptr;
  bool use_epoll_pwait2_ = true;
};

}  // namespace reactor

#endif  // REACTOR_EVENT_LOOP_H_
