// Tests for reactor::EventLoop: fd readiness over socketpairs, stale events after fd reuse,
// ordered/cancellable/repeating timers, Defer, Stop from other threads, signals via signalfd,
// and epoll_wait interrupted by a signal (EINTR).
#include "reactor/event_loop.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace reactor {
namespace {

std::unique_ptr<EventLoop> NewLoop() {
  auto loop = EventLoop::Create();
  EXPECT_TRUE(loop.ok()) << loop.status();
  return loop.ok() ? std::move(*loop) : nullptr;
}

// Stops `loop` after `timeout` whatever happens, so a broken test fails instead of hanging.
TimerId ArmSafetyStop(EventLoop& loop, absl::Duration timeout = absl::Seconds(10)) {
  return loop.RunAfter(timeout, [&loop] {
    ADD_FAILURE() << "safety stop: the loop was still running after the test's deadline";
    loop.Stop();
  });
}

// A socketpair closed on scope exit (unless released).
struct SocketPair {
  SocketPair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0); }
  ~SocketPair() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
  int fds[2] = {-1, -1};
};

// An EventHandler made of a lambda.
class FnHandler : public EventHandler {
 public:
  explicit FnHandler(std::function<void(uint32_t)> fn) : fn_(std::move(fn)) {}
  void OnEvents(uint32_t events) override {
    ++calls;
    fn_(events);
  }
  int calls = 0;

 private:
  std::function<void(uint32_t)> fn_;
};

TEST(EventLoopTest, DeliversReadabilityAndWritabilityOverASocketpair) {
  auto loop = NewLoop();
  SocketPair pair;
  std::string received;
  FnHandler reader([&](uint32_t events) {
    ASSERT_TRUE(events & EPOLLIN);
    char buf[64];
    const ssize_t n = read(pair.fds[0], buf, sizeof buf);
    if (n > 0) received.append(buf, static_cast<size_t>(n));
    if (received == "ping") loop->Stop();
  });
  ASSERT_TRUE(loop->Add(pair.fds[0], EPOLLIN, &reader).ok());
  EXPECT_TRUE(loop->IsRegistered(pair.fds[0]));
  EXPECT_EQ(loop->InterestOf(pair.fds[0]), static_cast<uint32_t>(EPOLLIN));
  ArmSafetyStop(*loop);
  ASSERT_EQ(write(pair.fds[1], "ping", 4), 4);
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(received, "ping");
  EXPECT_EQ(reader.calls, 1);

  // Switch the interest to EPOLLOUT: an empty socket buffer is writable at once.
  bool writable = false;
  FnHandler writer([&](uint32_t events) {
    writable = (events & EPOLLOUT) != 0;
    loop->Stop();
  });
  ASSERT_TRUE(loop->Remove(pair.fds[0]).ok());
  ASSERT_TRUE(loop->Add(pair.fds[0], EPOLLOUT, &writer).ok());
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_TRUE(writable);
  ASSERT_TRUE(loop->Modify(pair.fds[0], EPOLLIN).ok());
  EXPECT_EQ(loop->InterestOf(pair.fds[0]), static_cast<uint32_t>(EPOLLIN));
}

TEST(EventLoopTest, RegistrationErrors) {
  auto loop = NewLoop();
  SocketPair pair;
  FnHandler handler([](uint32_t) {});
  EXPECT_EQ(loop->Add(-1, EPOLLIN, &handler).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(loop->Add(pair.fds[0], EPOLLIN, &handler).ok());
  EXPECT_EQ(loop->Add(pair.fds[0], EPOLLIN, &handler).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(loop->Modify(pair.fds[0], EPOLLIN).ok());  // unchanged: no syscall, still ok
  EXPECT_TRUE(loop->Remove(pair.fds[0]).ok());
  EXPECT_FALSE(loop->IsRegistered(pair.fds[0]));
  EXPECT_EQ(loop->InterestOf(pair.fds[0]), 0u);
  EXPECT_EQ(loop->Remove(pair.fds[0]).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(loop->Modify(pair.fds[0], EPOLLIN).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(loop->Modify(12345, EPOLLIN).code(), absl::StatusCode::kNotFound);
  // A closed fd cannot be watched: epoll_ctl's EBADF comes back as an error, not a crash.
  const int fd = dup(pair.fds[1]);
  close(fd);
  EXPECT_FALSE(loop->Add(fd, EPOLLIN, &handler).ok());
  EXPECT_FALSE(loop->IsRegistered(fd));
}

TEST(EventLoopTest, RemovedFdGetsNoMoreEvents) {
  auto loop = NewLoop();
  SocketPair pair;
  FnHandler handler([&](uint32_t) { ASSERT_TRUE(loop->Remove(pair.fds[0]).ok()); });
  ASSERT_TRUE(loop->Add(pair.fds[0], EPOLLIN, &handler).ok());
  ASSERT_EQ(write(pair.fds[1], "x", 1), 1);  // stays unread: level-triggered would repeat
  loop->RunAfter(absl::Milliseconds(50), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(handler.calls, 1);
}

// Two fds ready in one epoll batch. Whichever handler runs first removes and closes the other
// fd, and registers a fresh socket under the very same fd number (dup2). The old fd's event is
// still in the batch; it must not reach the fresh socket's handler.
TEST(EventLoopTest, StaleEventOfAClosedFdNeverReachesItsSuccessor) {
  auto loop = NewLoop();
  SocketPair a;
  SocketPair b;
  SocketPair fresh;  // its fds[0] is never written to: any event for it would be stale
  FnHandler successor(
      [](uint32_t events) { ADD_FAILURE() << "successor got a stale event, mask " << events; });
  bool replaced = false;
  int replaced_fd = -1;
  auto replace_other = [&](int other_fd) {
    if (replaced) return;
    replaced = true;
    replaced_fd = other_fd;
    ASSERT_TRUE(loop->Remove(other_fd).ok());
    ASSERT_EQ(close(other_fd), 0);
    ASSERT_EQ(dup2(fresh.fds[0], other_fd), other_fd);  // same number, new socket
    ASSERT_TRUE(loop->Add(other_fd, EPOLLIN, &successor).ok());
  };
  char byte;
  FnHandler on_a([&](uint32_t) {
    (void)read(a.fds[0], &byte, 1);
    replace_other(b.fds[0]);
  });
  FnHandler on_b([&](uint32_t) {
    (void)read(b.fds[0], &byte, 1);
    replace_other(a.fds[0]);
  });
  ASSERT_TRUE(loop->Add(a.fds[0], EPOLLIN, &on_a).ok());
  ASSERT_TRUE(loop->Add(b.fds[0], EPOLLIN, &on_b).ok());
  ASSERT_EQ(write(a.fds[1], "a", 1), 1);
  ASSERT_EQ(write(b.fds[1], "b", 1), 1);
  // Both are ready before Run(), so the first epoll_wait returns both in one batch.
  loop->RunAfter(absl::Milliseconds(100), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());

  EXPECT_TRUE(replaced);
  EXPECT_EQ(on_a.calls + on_b.calls, 1) << "the replaced fd's handler must not run either";
  EXPECT_EQ(successor.calls, 0);
  ASSERT_TRUE(loop->Remove(replaced_fd).ok());
}

TEST(EventLoopTest, TimersFireInDeadlineOrder) {
  auto loop = NewLoop();
  std::vector<int> order;
  loop->RunAfter(absl::Milliseconds(30), [&] { order.push_back(30); });
  loop->RunAfter(absl::Milliseconds(10), [&] { order.push_back(10); });
  loop->RunAfter(absl::Milliseconds(20), [&] { order.push_back(20); });
  loop->RunAfter(absl::ZeroDuration(), [&] { order.push_back(0); });
  loop->RunAfter(absl::Milliseconds(40), [&] { loop->Stop(); });
  EXPECT_EQ(loop->PendingTimers(), 5u);
  ArmSafetyStop(*loop);
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(order, (std::vector<int>{0, 10, 20, 30}));
}

TEST(EventLoopTest, TimersWithEqualDelaysFireInTheOrderTheyWereSet) {
  auto loop = NewLoop();
  std::vector<int> order;
  for (int i = 0; i < 50; ++i) {
    loop->RunAfter(absl::Milliseconds(5), [&order, i] { order.push_back(i); });
  }
  loop->RunAfter(absl::Milliseconds(20), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i);
}

TEST(EventLoopTest, TimersDoNotFireEarly) {
  auto loop = NewLoop();
  const int64_t start = MonotonicNanos();
  int64_t fired_at = 0;
  loop->RunAfter(absl::Milliseconds(20), [&] {
    fired_at = MonotonicNanos();
    loop->Stop();
  });
  ArmSafetyStop(*loop);
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_GE(fired_at - start, 20'000'000);
}

TEST(EventLoopTest, CancelledTimerNeverFires) {
  auto loop = NewLoop();
  bool fired = false;
  const TimerId id = loop->RunAfter(absl::Milliseconds(5), [&] { fired = true; });
  EXPECT_TRUE(loop->Cancel(id));
  EXPECT_FALSE(loop->Cancel(id)) << "a second cancel must report it was already gone";
  EXPECT_EQ(loop->PendingTimers(), 0u);
  loop->RunAfter(absl::Milliseconds(20), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_FALSE(fired);
}

TEST(EventLoopTest, CancelAfterFiringReturnsFalse) {
  auto loop = NewLoop();
  const TimerId id = loop->RunAfter(absl::ZeroDuration(), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_FALSE(loop->Cancel(id));
  EXPECT_FALSE(loop->Cancel(987654)) << "an id never issued";
}

TEST(EventLoopTest, OneShotTimerCancellingItselfLearnsItHasFiredAlready) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  TimerId id = 0;
  bool cancel_result = true;
  id = (*loop)->RunAfter(absl::Milliseconds(1), [&] {
    cancel_result = (*loop)->Cancel(id);
    (*loop)->Stop();
  });
  ASSERT_TRUE((*loop)->Run().ok());
  EXPECT_FALSE(cancel_result) << "a one-shot timer in its own callback has already fired";
}

TEST(EventLoopTest, CancellingTheZeroIdIsANoOp) {
  // 0 is never a timer id; callers use it for "no timer". Cancel(0) outside any timer callback
  // must say false, not claim to have cancelled something.
  auto loop = NewLoop();
  EXPECT_FALSE(loop->Cancel(0));
}

TEST(EventLoopTest, TimerCanCancelAnotherFromItsCallback) {
  auto loop = NewLoop();
  bool second_fired = false;
  const TimerId second = loop->RunAfter(absl::Milliseconds(10), [&] { second_fired = true; });
  loop->RunAfter(absl::Milliseconds(1), [&] { EXPECT_TRUE(loop->Cancel(second)); });
  loop->RunAfter(absl::Milliseconds(30), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_FALSE(second_fired);
}

TEST(EventLoopTest, RepeatingTimerRunsUntilItCancelsItself) {
  auto loop = NewLoop();
  int ticks = 0;
  TimerId id = 0;
  id = loop->RunEvery(absl::Milliseconds(2), [&] {
    ++ticks;
    if (ticks == 5) {
      EXPECT_TRUE(loop->Cancel(id));
      EXPECT_FALSE(loop->Cancel(id));
      loop->RunAfter(absl::Milliseconds(20), [&] { loop->Stop(); });
    }
  });
  ArmSafetyStop(*loop);
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(ticks, 5);
  EXPECT_EQ(loop->PendingTimers(), 1u);  // only the safety stop is left
}

TEST(EventLoopTest, RepeatingTimerCancelledFromOutside) {
  auto loop = NewLoop();
  int ticks = 0;
  const TimerId id = loop->RunEvery(absl::Milliseconds(1), [&] { ++ticks; });
  loop->RunAfter(absl::Milliseconds(30), [&] {
    EXPECT_TRUE(loop->Cancel(id));
    loop->Stop();
  });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_GE(ticks, 2);
  EXPECT_EQ(loop->PendingTimers(), 0u);
}

TEST(EventLoopTest, RepeatingTimerSkipsMissedTicksInsteadOfBursting) {
  auto loop = NewLoop();
  int ticks = 0;
  // The first tick blocks for 10 intervals; the schedule must skip them, not fire 10 at once.
  const TimerId id = loop->RunEvery(absl::Milliseconds(5), [&] {
    if (++ticks == 1) absl::SleepFor(absl::Milliseconds(50));
  });
  loop->RunAfter(absl::Milliseconds(56), [&] {
    loop->Cancel(id);
    loop->Stop();
  });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_LE(ticks, 3);
}

TEST(EventLoopTest, RescheduleMovesAPendingTimerKeepingItsId) {
  auto loop = NewLoop();
  ArmSafetyStop(*loop);
  std::vector<int> order;
  const TimerId late = loop->RunAfter(absl::Milliseconds(1), [&] { order.push_back(1); });
  loop->RunAfter(absl::Milliseconds(5), [&] { order.push_back(5); });
  const TimerId early = loop->RunAfter(absl::Seconds(100), [&] { order.push_back(100); });
  EXPECT_TRUE(loop->Reschedule(late, absl::Milliseconds(10)));  // later: sifts down
  EXPECT_TRUE(loop->Reschedule(early, absl::Milliseconds(3)));  // earlier: sifts up
  loop->RunAfter(absl::Milliseconds(30), [&] { loop->Stop(); });
  EXPECT_EQ(loop->PendingTimers(), 5u) << "rescheduling adds no timer";
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(order, (std::vector<int>{100, 5, 1}));
  EXPECT_FALSE(loop->Reschedule(late, absl::Milliseconds(1))) << "a fired one-shot is gone";
  EXPECT_FALSE(loop->Cancel(early));
}

TEST(EventLoopTest, OneShotTimerReArmsItselfFromItsCallback) {
  auto loop = NewLoop();
  ArmSafetyStop(*loop);
  int fired = 0;
  TimerId id = 0;
  id = loop->RunAfter(absl::Milliseconds(1), [&] {
    if (++fired < 3) {
      EXPECT_TRUE(loop->Reschedule(id, absl::Milliseconds(1)));
    } else {
      EXPECT_FALSE(loop->Cancel(id)) << "not re-armed this time: it has fired";
      loop->Stop();
    }
  });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(fired, 3);
  EXPECT_EQ(loop->PendingTimers(), 1u);  // only the safety stop
}

TEST(EventLoopTest, CancelInsideTheCallbackWinsOverReschedule) {
  auto loop = NewLoop();
  ArmSafetyStop(*loop);
  int fired = 0;
  TimerId id = 0;
  id = loop->RunAfter(absl::Milliseconds(1), [&] {
    ++fired;
    EXPECT_TRUE(loop->Reschedule(id, absl::Milliseconds(1)));
    EXPECT_TRUE(loop->Cancel(id)) << "re-armed, so there is something to cancel";
    EXPECT_FALSE(loop->Reschedule(id, absl::Milliseconds(1)));
    loop->RunAfter(absl::Milliseconds(20), [&] { loop->Stop(); });
  });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(fired, 1);
}

// Many timers armed, cancelled and moved at random: the survivors, and only they, fire, in
// deadline order. Each deadline is known only within the clock reads around its arming, so the
// check is that no timer fires before one whose deadline is surely earlier.
TEST(EventLoopTest, HeapKeepsDeadlineOrderUnderRandomArmCancelAndReschedule) {
  auto loop = NewLoop();
  ArmSafetyStop(*loop);
  constexpr int kTimers = 500;
  struct Armed {
    TimerId id = 0;
    int64_t earliest = 0;  // the deadline lies in [earliest, latest]
    int64_t latest = 0;
    bool cancelled = false;
  };
  std::vector<Armed> armed(kTimers);
  std::vector<int> fired;
  uint32_t rng = 12345;
  auto next_delay = [&rng] {
    rng = rng * 1103515245u + 12345u;
    return absl::Microseconds((rng >> 8) % 20000);
  };
  auto arm_bounds = [](Armed& a, int64_t before, absl::Duration delay) {
    a.earliest = before + absl::ToInt64Nanoseconds(delay);
    a.latest = MonotonicNanos() + absl::ToInt64Nanoseconds(delay);
  };
  for (int i = 0; i < kTimers; ++i) {
    const absl::Duration delay = next_delay();
    const int64_t before = MonotonicNanos();
    armed[i].id = loop->RunAfter(delay, [&fired, i] { fired.push_back(i); });
    arm_bounds(armed[i], before, delay);
  }
  for (int i = 0; i < kTimers; i += 3) {
    armed[i].cancelled = true;
    EXPECT_TRUE(loop->Cancel(armed[i].id));
  }
  for (int i = 1; i < kTimers; i += 3) {
    const absl::Duration delay = next_delay();
    const int64_t before = MonotonicNanos();
    EXPECT_TRUE(loop->Reschedule(armed[i].id, delay));
    arm_bounds(armed[i], before, delay);
  }
  loop->RunAfter(absl::Milliseconds(40), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());
  std::vector<int> expected;
  for (int i = 0; i < kTimers; ++i) {
    if (!armed[i].cancelled) expected.push_back(i);
  }
  std::vector<int> sorted = fired;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, expected);
  for (size_t k = 1; k < fired.size(); ++k) {
    EXPECT_LE(armed[fired[k - 1]].earliest, armed[fired[k]].latest)
        << "timer " << fired[k - 1] << " fired before " << fired[k];
  }
}

// An infinite delay or interval means never, for one-shot and repeating timers alike: it must not
// overflow into a deadline in the past (which fired at once), nor stop the loop from sleeping
// until the finite timers.
TEST(EventLoopTest, InfiniteTimersNeverFire) {
  auto loop = NewLoop();
  ArmSafetyStop(*loop);
  int fired = 0;
  loop->RunAfter(absl::InfiniteDuration(), [&] { ++fired; });
  loop->RunEvery(absl::InfiniteDuration(), [&] { ++fired; });
  loop->RunAfter(absl::Hours(24 * 365 * 300), [&] { ++fired; });  // beyond int64 nanoseconds
  loop->RunAfter(absl::Milliseconds(50), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(DeadlineAfter(MonotonicNanos(), absl::InfiniteDuration()), kNeverNanos);
  EXPECT_EQ(DeadlineAfter(kNeverNanos - 5, int64_t{10}), kNeverNanos);
  EXPECT_EQ(DeadlineAfter(100, absl::Nanoseconds(-5)), 100);
}

TEST(EventLoopTest, DeferredTasksRunAfterTheBatchInOrder) {
  auto loop = NewLoop();
  SocketPair pair;
  std::vector<std::string> log;
  FnHandler handler([&](uint32_t) {
    char c;
    (void)read(pair.fds[0], &c, 1);
    loop->Defer([&] { log.push_back("deferred 1"); });
    loop->Defer([&] {
      log.push_back("deferred 2");
      // Deferred from a deferred task: runs on a later iteration, not in this round.
      loop->Defer([&] {
        log.push_back("deferred 3");
        loop->Stop();
      });
    });
    log.push_back("handler");
  });
  ASSERT_TRUE(loop->Add(pair.fds[0], EPOLLIN, &handler).ok());
  ASSERT_EQ(write(pair.fds[1], "x", 1), 1);
  ArmSafetyStop(*loop);
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(log, (std::vector<std::string>{"handler", "deferred 1", "deferred 2", "deferred 3"}));
}

TEST(EventLoopTest, DeferredTaskDoesNotBlockTheWait) {
  // With a task deferred, the loop must not sleep until the next timer.
  auto loop = NewLoop();
  bool ran = false;
  loop->RunAfter(absl::ZeroDuration(), [&] {
    loop->Defer([&] {
      ran = true;
      loop->Stop();
    });
  });
  loop->RunAfter(absl::Seconds(5), [&] { loop->Stop(); });
  const absl::Time start = absl::Now();
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_TRUE(ran);
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
}

TEST(EventLoopTest, StopBeforeRunReturnsAtOnce) {
  auto loop = NewLoop();
  loop->Stop();
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(loop->iterations(), 0u);
  // The stop request was consumed: Run() can be entered again.
  bool fired = false;
  loop->RunAfter(absl::Milliseconds(1), [&] {
    fired = true;
    loop->Stop();
  });
  ArmSafetyStop(*loop);
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_TRUE(fired);
}

TEST(EventLoopTest, StopFromAnotherThreadWakesASleepingLoop) {
  auto loop = NewLoop();
  // No timers and no fds: without the eventfd wakeup the loop would sleep forever.
  std::thread stopper([&] {
    absl::SleepFor(absl::Milliseconds(50));
    loop->Stop();
  });
  ASSERT_TRUE(loop->Run().ok());
  stopper.join();
  EXPECT_LE(loop->iterations(), 3u) << "an idle loop must sleep, not poll";
}

TEST(EventLoopTest, ManyStopsFromManyThreads) {
  auto loop = NewLoop();
  for (int round = 0; round < 20; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) threads.emplace_back([&] { loop->Stop(); });
    ASSERT_TRUE(loop->Run().ok());
    for (auto& t : threads) t.join();
  }
}

TEST(EventLoopTest, IdleLoopSleepsUntilItsTimer) {
  auto loop = NewLoop();
  loop->RunAfter(absl::Milliseconds(200), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_LE(loop->iterations(), 5u);
}

// Signals are blocked by HandleSignals in this thread; threads created later inherit the mask.
TEST(EventLoopTest, SignalsAreDeliveredIntoTheLoop) {
  auto loop = NewLoop();
  std::vector<int> received;
  ASSERT_TRUE(loop->HandleSignals({SIGUSR1, SIGTERM},
                                  [&](int sig) {
                                    received.push_back(sig);
                                    if (sig == SIGTERM) loop->Stop();
                                  })
                  .ok());
  EXPECT_EQ(loop->HandleSignals({SIGUSR1}, [](int) {}).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_EQ(raise(SIGUSR1), 0);  // blocked: waits in the signalfd instead of killing us
  loop->RunAfter(absl::Milliseconds(20), [] { raise(SIGTERM); });
  ArmSafetyStop(*loop);
  ASSERT_TRUE(loop->Run().ok());
  EXPECT_EQ(received, (std::vector<int>{SIGUSR1, SIGTERM}));
}

std::atomic<int> usr2_count{0};
void CountUsr2(int) { usr2_count.fetch_add(1); }

// Whether thread `tid` of this process is blocked in one of epoll's waits at this moment.
bool InEpollWait(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long number = -1;
  in >> number;                       // the syscall being made, or "running"
  constexpr long kEpollPwait2 = 441;  // x86-64; older headers lack SYS_epoll_pwait2
  return number == SYS_epoll_wait || number == SYS_epoll_pwait || number == kEpollPwait2;
}

// Polls `condition` every millisecond for up to 10 s; returns its last value.
bool PollFor(const std::function<bool()>& condition) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!condition() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  return condition();
}

// epoll_wait interrupted by a signal whose handler was installed without SA_RESTART returns
// EINTR; the loop counts it and goes back to sleep.
TEST(EventLoopTest, SignalInterruptingTheWaitIsRetried) {
  struct sigaction action {};
  action.sa_handler = CountUsr2;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART (epoll_wait is never restarted anyway)
  struct sigaction previous {};
  ASSERT_EQ(sigaction(SIGUSR2, &action, &previous), 0);

  auto loop = NewLoop();
  std::atomic<bool> timer_fired{false};
  // A timer that falls due after the interruptions proves the loop kept running.
  loop->RunAfter(absl::Milliseconds(150), [&] { timer_fired = true; });
  const pthread_t loop_thread = pthread_self();
  const pid_t loop_tid = gettid();
  const int base = usr2_count.load();
  std::thread interrupter([&] {
    for (int i = 0; i < 3; ++i) {
      // Each signal finds the loop asleep in its wait, and is handled before the next is sent
      // (two pending SIGUSR2s would be one).
      EXPECT_TRUE(PollFor([&] { return InEpollWait(loop_tid); })) << "signal " << i;
      pthread_kill(loop_thread, SIGUSR2);
      EXPECT_TRUE(PollFor([&] { return usr2_count.load() == base + i + 1; })) << "signal " << i;
    }
    EXPECT_TRUE(PollFor([&] { return timer_fired.load(); }));
    loop->Stop();
  });
  const absl::Status status = loop->Run();
  interrupter.join();
  sigaction(SIGUSR2, &previous, nullptr);

  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(usr2_count.load(), 3);
  EXPECT_GE(loop->interrupted_waits(), 1u);
  EXPECT_LE(loop->interrupted_waits(), 3u);
  EXPECT_TRUE(timer_fired);
}

}  // namespace
}  // namespace reactor
