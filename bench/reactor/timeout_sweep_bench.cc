// The per-tick cost of enforcing timeouts over many idle connections (simulated: no sockets):
// the DeadlineList a TcpServer now keeps, against the scan of every connection it replaced.
// Run: bazel run -c opt //bench/reactor:timeout_sweep_bench
// The bar: the tick at 1,000,000 registrations within 2x of the tick at 10,000.
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "reactor/deadline_list.h"

namespace {

constexpr int64_t kSecond = 1'000'000'000;

struct FakeConnection {
  reactor::DeadlineList<FakeConnection>::Node request{this};
  reactor::DeadlineList<FakeConnection>::Node send{this};
  int64_t last_activity = 0;
  int64_t partial_since = 0;
  int64_t stalled_since = 0;
  bool closed = false;
};

// One tick of the deadline lists with state.range(0) idle connections registered, none due.
void BM_DeadlineListTick(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<std::unique_ptr<FakeConnection>> connections;
  connections.reserve(n);
  reactor::DeadlineList<FakeConnection> requests(absl::Seconds(60));
  reactor::DeadlineList<FakeConnection> sends(absl::Seconds(60));
  for (int64_t i = 0; i < n; ++i) {
    connections.push_back(std::make_unique<FakeConnection>());
    requests.Schedule(&connections.back()->request, i);
  }
  int64_t now = n;
  size_t expired = 0;
  for (auto _ : state) {
    now += kSecond / 10;
    expired += requests.ExpireUntil(now, [](FakeConnection* c) { c->closed = true; });
    expired += sends.ExpireUntil(now, [](FakeConnection* c) { c->closed = true; });
  }
  benchmark::DoNotOptimize(expired);
}
BENCHMARK(BM_DeadlineListTick)->Arg(10'000)->Arg(1'000'000);

// What a request costs the lists instead: restarting one connection's clock (moving it to the
// tail), here for connections taken in turn, as a busy server's would be.
void BM_DeadlineListReschedule(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<std::unique_ptr<FakeConnection>> connections;
  connections.reserve(n);
  reactor::DeadlineList<FakeConnection> requests(absl::Seconds(60));
  for (int64_t i = 0; i < n; ++i) {
    connections.push_back(std::make_unique<FakeConnection>());
    requests.Schedule(&connections.back()->request, i);
  }
  int64_t now = n;
  size_t next = 0;
  for (auto _ : state) {
    requests.Schedule(&connections[next]->request, ++now);
    next = next + 1 == connections.size() ? 0 : next + 1;
  }
  benchmark::DoNotOptimize(requests.size());
}
BENCHMARK(BM_DeadlineListReschedule)->Arg(10'000)->Arg(1'000'000);

// The sweep the lists replaced: every tick visits every connection's three timestamps.
void BM_ScanEveryConnectionTick(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<std::unique_ptr<FakeConnection>> connections;
  connections.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    connections.push_back(std::make_unique<FakeConnection>());
    connections.back()->last_activity = i;
  }
  int64_t now = n;
  const int64_t timeout = 60 * kSecond;
  size_t expired = 0;
  for (auto _ : state) {
    now += kSecond / 10;
    for (auto& c : connections) {
      if (c->closed) continue;
      if (now - c->last_activity > timeout ||
          (c->partial_since != 0 && now - c->partial_since > timeout) ||
          (c->stalled_since != 0 && now - c->stalled_since > timeout)) {
        ++expired;
      }
    }
  }
  benchmark::DoNotOptimize(expired);
}
BENCHMARK(BM_ScanEveryConnectionTick)->Arg(10'000)->Arg(1'000'000);

}  // namespace
