// Proves EventLoop's timers allocate nothing in steady state: once the loop has held its peak
// number of timers, arming, re-arming in place, cancelling and firing (one-shot and repeating)
// reuse the pooled slots and the preallocated heap. Counted with the process-wide operator new
// counter, so any allocation on these paths, however small, fails the test.
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "reactor/event_loop.h"
#include "server/allocation_counter.h"

namespace reactor {
namespace {

constexpr int kTimers = 1000;

// Under ASan the sanitizer's operator new takes precedence over the counting one, and nothing is
// counted: such a build must skip, not pass vacuously.
bool CounterSeesAllocations() {
  static char* volatile sink;
  const uint64_t before = server::AllocationCount();
  sink = new char[64];
  delete[] sink;
  return server::AllocationCount() != before;
}

// One round of everything a server does with timers: arm kTimers (the callbacks capture a pointer
// and an int, which fit in AnyInvocable's inline storage), re-arm half in place, cancel a quarter,
// then run the loop until the rest, and a repeating timer, have fired.
void TimerRound(EventLoop& loop, std::vector<TimerId>& ids, int& fired) {
  ids.clear();
  for (int i = 0; i < kTimers; ++i) {
    ids.push_back(
        loop.RunAfter(absl::Seconds(100) + absl::Nanoseconds(i), [&fired, i] { fired += i >= 0; }));
  }
  for (int i = 0; i < kTimers; i += 2) {
    EXPECT_TRUE(loop.Reschedule(ids[i], absl::ZeroDuration()));
  }
  for (int i = 1; i < kTimers; i += 4) EXPECT_TRUE(loop.Cancel(ids[i]));
  // The callbacks below capture one pointer: a capture larger than AnyInvocable's inline
  // storage (two pointers) would allocate in the caller, before the loop is involved.
  struct Repeating {
    EventLoop* loop;
    int ticks = 0;
    TimerId ticker = 0;
    TimerId stopper = 0;
  } r{&loop};
  r.ticker = loop.RunEvery(absl::Microseconds(1), [&r] {
    if (++r.ticks == 3) r.loop->Cancel(r.ticker);
  });
  // The remaining un-rescheduled timers are pushed to now too, so the round ends them all.
  for (int i = 3; i < kTimers; i += 4) {
    EXPECT_TRUE(loop.Reschedule(ids[i], absl::ZeroDuration()));
  }
  r.stopper = loop.RunEvery(absl::Microseconds(1), [&r] {
    if (r.ticks >= 3 && r.loop->PendingTimers() == 0) {  // a running timer is not pending
      r.loop->Cancel(r.stopper);
      r.loop->Stop();
    }
  });
  EXPECT_TRUE(loop.Run().ok());
  EXPECT_EQ(r.ticks, 3);
}

TEST(TimerAllocationTest, ArmRearmCancelAndFireAllocateNothingInSteadyState) {
  if (!CounterSeesAllocations()) GTEST_SKIP() << "operator new is not counted in this build";
  auto created = EventLoop::Create();
  ASSERT_TRUE(created.ok()) << created.status();
  EventLoop& loop = **created;
  std::vector<TimerId> ids;
  ids.reserve(kTimers);
  int fired = 0;
  TimerRound(loop, ids, fired);  // warms the pool up to its peak
  ASSERT_EQ(fired, kTimers - kTimers / 4);
  ASSERT_EQ(loop.PendingTimers(), 0u);

  fired = 0;
  const uint64_t before = server::AllocationCount();
  TimerRound(loop, ids, fired);
  const uint64_t allocations = server::AllocationCount() - before;
  EXPECT_EQ(fired, kTimers - kTimers / 4);
  EXPECT_EQ(allocations, 0u) << "timer operations allocated in steady state";
}

TEST(TimerAllocationTest, OnlyANewPeakOfLiveTimersAllocates) {
  if (!CounterSeesAllocations()) GTEST_SKIP() << "operator new is not counted in this build";
  auto created = EventLoop::Create();
  ASSERT_TRUE(created.ok()) << created.status();
  EventLoop& loop = **created;
  std::vector<TimerId> ids;
  for (int i = 0; i < 64; ++i) ids.push_back(loop.RunAfter(absl::Seconds(100), [] {}));
  for (TimerId id : ids) ASSERT_TRUE(loop.Cancel(id));
  const uint64_t before = server::AllocationCount();
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 64; ++i) ids[i] = loop.RunAfter(absl::Seconds(100), [] {});
    for (TimerId id : ids) ASSERT_TRUE(loop.Cancel(id));
  }
  EXPECT_EQ(server::AllocationCount() - before, 0u);
  // The 65th live timer is a new peak: the pool grows (this proves the counter sees the loop).
  for (int i = 0; i < 64; ++i) ids[i] = loop.RunAfter(absl::Seconds(100), [] {});
  const uint64_t at_peak = server::AllocationCount();
  loop.RunAfter(absl::Seconds(100), [] {});
  EXPECT_GT(server::AllocationCount() - at_peak, 0u);
}

}  // namespace
}  // namespace reactor
