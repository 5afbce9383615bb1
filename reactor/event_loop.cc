// EventLoop: epoll dispatch with generation-checked registrations, a pooled timer heap, deferred
// tasks, an eventfd for cross-thread stop and a signalfd for signals.
#include "reactor/event_loop.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <limits>

#include "absl/strings/str_cat.h"

namespace reactor {

int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);  // cannot fail for CLOCK_MONOTONIC
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

int64_t DeadlineAfter(int64_t start_nanos, int64_t delay_nanos) {
  if (delay_nanos <= 0) return start_nanos;
  if (start_nanos > 0 && delay_nanos >= kNeverNanos - start_nanos) return kNeverNanos;
  return start_nanos + delay_nanos;
}

int64_t DeadlineAfter(int64_t start_nanos, absl::Duration delay) {
  // ToInt64Nanoseconds saturates: InfiniteDuration() and anything beyond ~292 years give
  // INT64_MAX, which the sum above turns into kNeverNanos.
  return DeadlineAfter(start_nanos, absl::ToInt64Nanoseconds(delay));
}

namespace {

// epoll's 64-bit user data carries the fd and its registration generation.
uint64_t PackEventData(int fd, uint32_t generation) {
  return (uint64_t{generation} << 32) | static_cast<uint32_t>(fd);
}
int UnpackFd(uint64_t data) { return static_cast<int>(data & 0xffffffffu); }
uint32_t UnpackGeneration(uint64_t data) { return static_cast<uint32_t>(data >> 32); }

}  // namespace

// Wakes the loop from other threads: Stop() and RunInLoop() write, the loop reads and then runs
// what was posted.
class EventLoop::Wakeup : public EventHandler {
 public:
  Wakeup(EventLoop* loop, int fd) : loop_(loop), fd_(fd) {}
  ~Wakeup() { close(fd_); }
  int fd() const { return fd_; }

  void Notify() {
    const uint64_t one = 1;
    // EAGAIN means the counter is saturated, which is a pending wakeup all the same.
    while (write(fd_, &one, sizeof one) < 0 && errno == EINTR) {
    }
  }

  void OnEvents(uint32_t) override {
    uint64_t count;
    while (read(fd_, &count, sizeof count) < 0 && errno == EINTR) {
    }
    loop_->RunPostedTasks();
  }

 private:
  EventLoop* const loop_;
  const int fd_;
};

class EventLoop::SignalWatcher : public EventHandler {
 public:
  SignalWatcher(int fd, absl::AnyInvocable<void(int)> callback)
      : fd_(fd), callback_(std::move(callback)) {}
  ~SignalWatcher() { close(fd_); }
  int fd() const { return fd_; }

  void OnEvents(uint32_t) override {
    // Drain a bounded number per wakeup; the level-triggered loop brings us back for more.
    for (int i = 0; i < 16; ++i) {
      signalfd_siginfo info;
      const ssize_t n = read(fd_, &info, sizeof info);
      if (n != static_cast<ssize_t>(sizeof info)) return;  // EAGAIN: nothing pending
      callback_(static_cast<int>(info.ssi_signo));
    }
  }

 private:
  const int fd_;
  absl::AnyInvocable<void(int)> callback_;
};

absl::StatusOr<std::unique_ptr<EventLoop>> EventLoop::Create() {
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return absl::ErrnoToStatus(errno, "epoll_create1");
  std::unique_ptr<EventLoop> loop(new EventLoop(epoll_fd));

  const int event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd < 0) return absl::ErrnoToStatus(errno, "eventfd");
  loop->wakeup_ = std::make_unique<Wakeup>(loop.get(), event_fd);
  if (absl::Status s = loop->Add(event_fd, EPOLLIN, loop->wakeup_.get()); !s.ok()) return s;
  return loop;
}

EventLoop::EventLoop(int epoll_fd) : epoll_fd_(epoll_fd), ready_(kMaxEventsPerWait) {
  now_nanos_ = MonotonicNanos();
}

EventLoop::~EventLoop() {
  signal_watcher_.reset();
  wakeup_.reset();
  close(epoll_fd_);
}

absl::Status EventLoop::Add(int fd, uint32_t events, EventHandler* handler) {
  if (fd < 0) return absl::InvalidArgumentError("EventLoop::Add: negative fd");
  if (static_cast<size_t>(fd) >= registrations_.size()) {
    registrations_.resize(std::max<size_t>(fd + 1, registrations_.size() * 2));
  }
  Registration& reg = registrations_[fd];
  if (reg.handler != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("EventLoop::Add: fd ", fd, " is registered"));
  }
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = PackEventData(fd, reg.generation);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("epoll_ctl(ADD, fd ", fd, ")"));
  }
  reg.handler = handler;
  reg.events = events;
  return absl::OkStatus();
}

absl::Status EventLoop::Modify(int fd, uint32_t events) {
  if (!IsRegistered(fd)) {
    return absl::NotFoundError(absl::StrCat("EventLoop::Modify: fd ", fd, " is not registered"));
  }
  Registration& reg = registrations_[fd];
  if (reg.events == events) return absl::OkStatus();
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = PackEventData(fd, reg.generation);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("epoll_ctl(MOD, fd ", fd, ")"));
  }
  reg.events = events;
  return absl::OkStatus();
}

absl::Status EventLoop::Remove(int fd) {
  if (!IsRegistered(fd)) {
    return absl::NotFoundError(absl::StrCat("EventLoop::Remove: fd ", fd, " is not registered"));
  }
  Registration& reg = registrations_[fd];
  reg.handler = nullptr;
  reg.events = 0;
  ++reg.generation;  // any event for the old registration still in `ready_` is now stale
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("epoll_ctl(DEL, fd ", fd, ")"));
  }
  return absl::OkStatus();
}

bool EventLoop::IsRegistered(int fd) const {
  return fd >= 0 && static_cast<size_t>(fd) < registrations_.size() &&
         registrations_[fd].handler != nullptr;
}

uint32_t EventLoop::InterestOf(int fd) const {
  return IsRegistered(fd) ? registrations_[fd].events : 0;
}

TimerId EventLoop::RunAfter(absl::Duration delay, absl::AnyInvocable<void()> callback) {
  return AddTimer(absl::ToInt64Nanoseconds(delay), 0, std::move(callback));
}

TimerId EventLoop::RunEvery(absl::Duration interval, absl::AnyInvocable<void()> callback) {
  const int64_t nanos = std::max<int64_t>(1, absl::ToInt64Nanoseconds(interval));
  return AddTimer(nanos, nanos, std::move(callback));  // INT64_MAX: saturates to never
}

TimerId EventLoop::AddTimer(int64_t delay_nanos, int64_t interval_nanos,
                            absl::AnyInvocable<void()> callback) {
  uint32_t slot;
  if (!free_timer_slots_.empty()) {
    slot = free_timer_slots_.back();
    free_timer_slots_.pop_back();
  } else {
    // Only here, when more timers are live than ever before, may arming allocate. The heap and
    // the free list never hold more entries than there are slots.
    slot = static_cast<uint32_t>(timer_slots_.size());
    timer_slots_.emplace_back();
    timer_heap_.reserve(timer_slots_.capacity());
    free_timer_slots_.reserve(timer_slots_.capacity());
  }
  TimerSlot& timer = timer_slots_[slot];
  timer.callback = std::move(callback);
  timer.interval_nanos = interval_nanos;
  // The id names the slot (low half, plus one so that no id is 0) and, in its high half, when it
  // was issued, so an id kept after its timer ended does not match the slot's next timer.
  timer.id = (uint64_t{static_cast<uint32_t>(next_timer_order_)} << 32) | (uint64_t{slot} + 1);
  // Measured from the present, not from the start of the iteration, so a timer set late in a
  // long iteration is not early.
  PushTimer(slot, DeadlineAfter(MonotonicNanos(), delay_nanos));
  return timer.id;
}

EventLoop::TimerSlot* EventLoop::FindTimer(TimerId id) {
  const uint64_t slot_plus_one = id & 0xffffffffu;
  if (slot_plus_one == 0 || slot_plus_one > timer_slots_.size()) return nullptr;
  TimerSlot& timer = timer_slots_[slot_plus_one - 1];
  return timer.id == id ? &timer : nullptr;
}

bool EventLoop::Cancel(TimerId id) {
  TimerSlot* timer = FindTimer(id);
  if (timer == nullptr) return false;
  if (timer->heap_index == kNotInHeap) {  // its callback is running
    // A one-shot timer inside its own callback has fired already (unless it re-armed itself); a
    // repeating one can still be kept from coming back.
    if (running_timer_.next == RunningTimerNext::kCancelled ||
        (timer->interval_nanos == 0 && running_timer_.next == RunningTimerNext::kAsScheduled)) {
      return false;
    }
    running_timer_.next = RunningTimerNext::kCancelled;
    return true;
  }
  const uint32_t slot = timer_heap_[timer->heap_index].slot;
  RemoveTimerAt(timer->heap_index);
  FreeTimerSlot(slot);
  return true;
}

bool EventLoop::Reschedule(TimerId id, absl::Duration delay) {
  TimerSlot* timer = FindTimer(id);
  if (timer == nullptr) return false;
  const int64_t deadline = DeadlineAfter(MonotonicNanos(), delay);
  if (timer->heap_index == kNotInHeap) {  // its callback is running
    if (running_timer_.next == RunningTimerNext::kCancelled) return false;
    running_timer_.next = RunningTimerNext::kRescheduled;
    running_timer_.deadline = deadline;
    return true;
  }
  // In place: the entry moves up or down from where it is.
  const uint32_t heap_index = timer->heap_index;
  TimerHeapEntry& entry = timer_heap_[heap_index];
  const bool earlier = deadline < entry.deadline;
  entry.deadline = deadline;
  entry.order = next_timer_order_++;
  if (earlier) {
    SiftTimerUp(heap_index);
  } else {
    SiftTimerDown(heap_index);
  }
  return true;
}

void EventLoop::PushTimer(uint32_t slot, int64_t deadline) {
  timer_heap_.push_back(TimerHeapEntry{deadline, next_timer_order_++, slot});
  const uint32_t heap_index = static_cast<uint32_t>(timer_heap_.size() - 1);
  timer_slots_[slot].heap_index = heap_index;
  SiftTimerUp(heap_index);
}

void EventLoop::RemoveTimerAt(uint32_t heap_index) {
  timer_slots_[timer_heap_[heap_index].slot].heap_index = kNotInHeap;
  const TimerHeapEntry last = timer_heap_.back();
  timer_heap_.pop_back();
  if (heap_index == timer_heap_.size()) return;  // it was the last entry
  const bool earlier = TimerEntryBefore(last, timer_heap_[heap_index]);
  PlaceTimerEntry(heap_index, last);
  if (earlier) {
    SiftTimerUp(heap_index);
  } else {
    SiftTimerDown(heap_index);
  }
}

void EventLoop::FreeTimerSlot(uint32_t slot) {
  TimerSlot& timer = timer_slots_[slot];
  timer.callback = nullptr;  // releases what the callback holds now, not at the slot's reuse
  timer.id = 0;
  timer.heap_index = kNotInHeap;
  free_timer_slots_.push_back(slot);  // capacity reserved below: never allocates
}

void EventLoop::PlaceTimerEntry(uint32_t heap_index, const TimerHeapEntry& entry) {
  timer_heap_[heap_index] = entry;
  timer_slots_[entry.slot].heap_index = heap_index;
}

void EventLoop::SiftTimerUp(uint32_t heap_index) {
  const TimerHeapEntry entry = timer_heap_[heap_index];
  while (heap_index > 0) {
    const uint32_t parent = (heap_index - 1) / 2;
    if (!TimerEntryBefore(entry, timer_heap_[parent])) break;
    PlaceTimerEntry(heap_index, timer_heap_[parent]);
    heap_index = parent;
  }
  PlaceTimerEntry(heap_index, entry);
}

void EventLoop::SiftTimerDown(uint32_t heap_index) {
  const TimerHeapEntry entry = timer_heap_[heap_index];
  const size_t size = timer_heap_.size();
  while (true) {
    size_t child = size_t{heap_index} * 2 + 1;
    if (child >= size) break;
    if (child + 1 < size && TimerEntryBefore(timer_heap_[child + 1], timer_heap_[child])) ++child;
    if (!TimerEntryBefore(timer_heap_[child], entry)) break;
    PlaceTimerEntry(heap_index, timer_heap_[child]);
    heap_index = static_cast<uint32_t>(child);
  }
  PlaceTimerEntry(heap_index, entry);
}

void EventLoop::Defer(absl::AnyInvocable<void()> task) { deferred_.push_back(std::move(task)); }

void EventLoop::RunInLoop(absl::AnyInvocable<void()> task) {
  {
    absl::MutexLock lock(&posted_mutex_);
    posted_.push_back(std::move(task));
  }
  wakeup_->Notify();
}

void EventLoop::RunPostedTasks() {
  {
    absl::MutexLock lock(&posted_mutex_);
    posted_running_.swap(posted_);
  }
  // Run outside the lock: a task may post another.
  for (auto& task : posted_running_) task();
  posted_running_.clear();
}

absl::Status EventLoop::HandleSignals(std::initializer_list<int> signals,
                                      absl::AnyInvocable<void(int)> callback) {
  if (signal_watcher_ != nullptr) {
    return absl::FailedPreconditionError("EventLoop::HandleSignals: already handling signals");
  }
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : signals) sigaddset(&mask, sig);
  // Blocked, so the default action (terminate) never runs and the signal waits in the signalfd.
  if (const int err = pthread_sigmask(SIG_BLOCK, &mask, nullptr); err != 0) {
    return absl::ErrnoToStatus(err, "pthread_sigmask");
  }
  const int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, "signalfd");
  auto watcher = std::make_unique<SignalWatcher>(fd, std::move(callback));
  if (absl::Status s = Add(fd, EPOLLIN, watcher.get()); !s.ok()) return s;
  signal_watcher_ = std::move(watcher);
  return absl::OkStatus();
}

void EventLoop::Stop() {
  stop_requested_.store(true, std::memory_order_release);
  wakeup_->Notify();
}

absl::Status EventLoop::Run() {
  // The shape of one iteration: wait (until the next timer at most), dispatch I/O, fire due
  // timers, run deferred tasks (closes and frees requested by handlers), check for stop.
  // When an observer times the iteration, the clock read that ends it also serves Wait's timeout:
  // watching the loop costs no extra clock read while timers are pending.
  int64_t iteration_end = 0;  // 0: not read
  while (!stop_requested_.load(std::memory_order_acquire)) {
    ++iterations_;
    const int ready = Wait(iteration_end);
    iteration_end = 0;
    now_nanos_ = MonotonicNanos();
    if (ready < 0) {
      if (ready == -EINTR) {
        ++interrupted_waits_;
        continue;
      }
      return absl::ErrnoToStatus(-ready, "epoll_wait");
    }
    Dispatch(ready);
    RunExpiredTimers();
    RunDeferredTasks();
    if (iteration_observer_ != nullptr) {
      iteration_end = MonotonicNanos();
      iteration_observer_->OnIteration(ready, iteration_end - now_nanos_);
    }
  }
  stop_requested_.store(false, std::memory_order_relaxed);  // Run() may be entered again
  RunDeferredTasks();
  return absl::OkStatus();
}

int EventLoop::Wait(int64_t now_nanos) {
  // Sleep until the earliest timer; not at all if tasks are waiting.
  int64_t timeout_nanos = -1;
  if (!deferred_.empty()) {
    timeout_nanos = 0;
  } else if (!timer_heap_.empty() && timer_heap_.front().deadline != kNeverNanos) {
    const int64_t now = now_nanos != 0 ? now_nanos : MonotonicNanos();
    timeout_nanos = std::max<int64_t>(0, timer_heap_.front().deadline - now);
  }
  int n;
  if (use_epoll_pwait2_) {
    // Nanosecond timeouts, so fixed-rate timers are not rounded up to whole milliseconds.
    timespec ts{static_cast<time_t>(timeout_nanos / 1'000'000'000),
                static_cast<long>(timeout_nanos % 1'000'000'000)};
    n = epoll_pwait2(epoll_fd_, ready_.data(), kMaxEventsPerWait, timeout_nanos < 0 ? nullptr : &ts,
                     nullptr);
    if (n < 0 && errno == ENOSYS) {
      use_epoll_pwait2_ = false;  // kernels before 5.11
      return Wait(now_nanos);
    }
  } else {
    // Rounded up: waking early would only spin until the deadline.
    const int timeout_ms =
        timeout_nanos < 0
            ? -1
            : static_cast<int>(std::min<int64_t>((timeout_nanos + 999'999) / 1'000'000,
                                                 std::numeric_limits<int>::max()));
    n = epoll_wait(epoll_fd_, ready_.data(), kMaxEventsPerWait, timeout_ms);
  }
  return n < 0 ? -errno : n;
}

void EventLoop::Dispatch(int ready) {
  for (int i = 0; i < ready; ++i) {
    const uint64_t data = ready_[i].data.u64;
    const int fd = UnpackFd(data);
    // Re-read the registration for every event: an earlier handler in this batch may have
    // removed this fd, and a newer object may have been registered under the same number.
    if (!IsRegistered(fd)) continue;
    const Registration& reg = registrations_[fd];
    if (reg.generation != UnpackGeneration(data)) continue;
    reg.handler->OnEvents(ready_[i].events);
  }
}

void EventLoop::RunExpiredTimers() {
  if (timer_heap_.empty()) return;  // the common case in a server without timeouts: no clock read
  const int64_t now = MonotonicNanos();
  while (!timer_heap_.empty() && timer_heap_.front().deadline <= now) {
    const TimerHeapEntry due = timer_heap_.front();
    RemoveTimerAt(0);
    // Out of its slot while it runs: a callback that arms timers may grow the pool and move the
    // slots. Moving an AnyInvocable never allocates.
    absl::AnyInvocable<void()> callback = std::move(timer_slots_[due.slot].callback);
    running_timer_ = RunningTimer{due.slot, RunningTimerNext::kAsScheduled, 0};
    callback();
    const RunningTimer ran = running_timer_;
    running_timer_ = RunningTimer{};

    TimerSlot& timer = timer_slots_[due.slot];
    const int64_t interval = timer.interval_nanos;
    int64_t next = kNeverNanos;
    switch (ran.next) {
      case RunningTimerNext::kCancelled:
        FreeTimerSlot(due.slot);
        continue;
      case RunningTimerNext::kRescheduled:
        next = ran.deadline;
        break;
      case RunningTimerNext::kAsScheduled:
        if (interval == 0) {
          FreeTimerSlot(due.slot);
          continue;
        }
        next = DeadlineAfter(due.deadline, interval);
        if (next <= now) {  // behind schedule: skip the missed ticks rather than burst
          next = DeadlineAfter(next, ((now - next) / interval + 1) * interval);
        }
        break;
    }
    timer.callback = std::move(callback);
    PushTimer(due.slot, next);
  }
}

void EventLoop::RunDeferredTasks() {
  // Tasks deferred by these tasks run on the next iteration (with a zero wait), so a task that
  // keeps deferring itself cannot starve I/O.
  deferred_running_.swap(deferred_);
  for (auto& task : deferred_running_) task();
  deferred_running_.clear();
}

}  // namespace reactor
