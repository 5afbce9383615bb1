// Session micro-benchmarks: the cost of answering requests in a protocol session, bytes in to
// bytes out with no socket (an HTTP GET, a RESP PING, and the HTTP Date header alone), so that
// per-request work outside the parsers (the Date clock, the output budget check) is measured.
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "reactor/buffer.h"
#include "reactor/protocol.h"
#include "server/http_session.h"
#include "server/resp_session.h"

namespace {

// Feeds `requests` copies of `request` in one call, as a pipelining client's read would deliver
// them, and reports the time per call; items are requests.
void AnswerPipelined(benchmark::State& state, reactor::ProtocolFactory& factory,
                     const std::string& request) {
  const std::unique_ptr<reactor::Protocol> session = factory.NewSession();
  std::string input;
  for (int64_t i = 0; i < state.range(0); ++i) input += request;
  reactor::OutputQueue queue;
  reactor::Output output(queue, reactor::kDefaultOutputBudgetBytes);
  for (auto _ : state) {
    queue.Clear();
    const reactor::ProtocolResult result = session->OnInput(input, output);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_HttpSessionGet(benchmark::State& state) {
  server::HttpFactory factory{server::HttpOptions{}};
  AnswerPipelined(state, factory, "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
}
BENCHMARK(BM_HttpSessionGet)->Arg(1)->Arg(16);

void BM_RespSessionPing(benchmark::State& state) {
  server::RespFactory factory(server::RespOptions{}, nullptr);
  AnswerPipelined(state, factory, "*1\r\n$4\r\nPING\r\n");
}
BENCHMARK(BM_RespSessionPing)->Arg(1)->Arg(16);

void BM_HttpDateCacheGet(benchmark::State& state) {
  server::HttpDateCache cache;
  for (auto _ : state) benchmark::DoNotOptimize(cache.Get());
}
BENCHMARK(BM_HttpDateCacheGet);

}  // namespace
