// Microbenchmarks for reactor::Buffer: the append/consume cycle of a request, and recv-style
// PrepareWrite/Commit, at a few message sizes.
#include <string>

#include "benchmark/benchmark.h"
#include "reactor/buffer.h"

namespace {

// Append a message and consume it whole: the steady state of a connection whose requests arrive
// complete (storage is reused, never reallocated).
void BM_BufferAppendConsume(benchmark::State& state) {
  const std::string message(static_cast<size_t>(state.range(0)), 'x');
  reactor::Buffer buffer;
  for (auto _ : state) {
    buffer.Append(message);
    benchmark::DoNotOptimize(buffer.data());
    buffer.Consume(buffer.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_BufferAppendConsume)->Arg(16)->Arg(512)->Arg(4096)->Arg(65536);

// Append and consume out of step (a backlog of two messages is always held), so compaction
// (sliding the readable bytes to the front) happens regularly.
void BM_BufferAppendConsumeWithBacklog(benchmark::State& state) {
  const std::string message(static_cast<size_t>(state.range(0)), 'x');
  reactor::Buffer buffer;
  buffer.Append(message);
  buffer.Append(message);
  for (auto _ : state) {
    buffer.Append(message);
    buffer.Consume(message.size());
    benchmark::DoNotOptimize(buffer.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_BufferAppendConsumeWithBacklog)->Arg(16)->Arg(512)->Arg(4096);

// PrepareWrite(64 KiB) + Commit(n) + Consume: what Connection does around each recv().
void BM_BufferPrepareCommit(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  reactor::Buffer buffer;
  for (auto _ : state) {
    char* room = buffer.PrepareWrite(64 * 1024);
    room[0] = 'x';
    buffer.Commit(n);
    benchmark::DoNotOptimize(buffer.data());
    buffer.Consume(n);
  }
}
BENCHMARK(BM_BufferPrepareCommit)->Arg(16)->Arg(4096);

// A buffer that is released when idle and allocated again for the next message: what lazy
// allocation costs when a connection's messages do not arrive whole.
void BM_BufferLazyAllocateRelease(benchmark::State& state) {
  const std::string message(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    reactor::Buffer buffer;
    buffer.Append(message);
    buffer.Consume(buffer.size());
    benchmark::DoNotOptimize(buffer.ReleaseIfEmpty());
  }
}
BENCHMARK(BM_BufferLazyAllocateRelease)->Arg(16)->Arg(4096);

}  // namespace
