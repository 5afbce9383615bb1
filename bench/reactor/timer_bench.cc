// Microbenchmarks for EventLoop timers: add+cancel and re-arm in place with many timers pending
// (the idle-timeout pattern), and firing a batch of due timers.
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "reactor/event_loop.h"

namespace {

std::unique_ptr<reactor::EventLoop> NewLoop() {
  auto loop = reactor::EventLoop::Create();
  if (!loop.ok()) std::abort();
  return std::move(*loop);
}

// RunAfter then Cancel, with state.range(0) other timers pending.
void BM_TimerAddCancel(benchmark::State& state) {
  auto loop = NewLoop();
  for (int64_t i = 0; i < state.range(0); ++i) {
    loop->RunAfter(absl::Seconds(100) + absl::Nanoseconds(i), [] {});
  }
  for (auto _ : state) {
    const reactor::TimerId id = loop->RunAfter(absl::Seconds(10), [] {});
    benchmark::DoNotOptimize(loop->Cancel(id));
  }
}
BENCHMARK(BM_TimerAddCancel)->Arg(0)->Arg(1000)->Arg(100000);

// Re-arming one timer in place (the idle-timeout push-back) with state.range(0) others pending.
void BM_TimerReschedule(benchmark::State& state) {
  auto loop = NewLoop();
  for (int64_t i = 0; i < state.range(0); ++i) {
    loop->RunAfter(absl::Seconds(100) + absl::Nanoseconds(i), [] {});
  }
  const reactor::TimerId id = loop->RunAfter(absl::Seconds(10), [] {});
  for (auto _ : state) benchmark::DoNotOptimize(loop->Reschedule(id, absl::Seconds(10)));
}
BENCHMARK(BM_TimerReschedule)->Arg(0)->Arg(1000)->Arg(100000);

// Fires state.range(0) due timers in one loop iteration; reported per timer.
void BM_TimerFire(benchmark::State& state) {
  auto loop = NewLoop();
  const int64_t batch = state.range(0);
  int64_t fired = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < batch; ++i) loop->RunAfter(absl::ZeroDuration(), [&fired] { ++fired; });
    loop->RunAfter(absl::ZeroDuration(), [&loop] { loop->Stop(); });
    if (!loop->Run().ok()) std::abort();
  }
  benchmark::DoNotOptimize(fired);
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_TimerFire)->Arg(1)->Arg(100)->Arg(10000);

}  // namespace
