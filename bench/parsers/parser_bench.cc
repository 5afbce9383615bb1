// Parser micro-benchmarks: the cost of framing one request on the hot paths (RESP PING, inline
// and multibulk, and a wrk-style HTTP GET), so parser changes are measured, not guessed.
#include <string>
#include <string_view>

#include "benchmark/benchmark.h"
#include "protocol/http_request_parser.h"
#include "protocol/resp_request_parser.h"

namespace {

void ParseRespRequests(benchmark::State& state, std::string_view request) {
  protocol::RespRequestParser parser;
  for (auto _ : state) {
    auto result = parser.Parse(request);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * request.size()));
}

void BM_RespPingInline(benchmark::State& state) { ParseRespRequests(state, "PING\r\n"); }
BENCHMARK(BM_RespPingInline);

void BM_RespPingMultibulk(benchmark::State& state) {
  ParseRespRequests(state, "*1\r\n$4\r\nPING\r\n");
}
BENCHMARK(BM_RespPingMultibulk);

void BM_HttpGet(benchmark::State& state) {
  const std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
  protocol::HttpRequestParser parser;
  for (auto _ : state) {
    auto result = parser.Parse(request);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * request.size()));
}
BENCHMARK(BM_HttpGet);

void BM_HttpGetCurlHeaders(benchmark::State& state) {
  const std::string request =
      "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\n"
      "Accept: */*\r\nConnection: keep-alive\r\n\r\n";
  protocol::HttpRequestParser parser;
  for (auto _ : state) {
    auto result = parser.Parse(request);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * request.size()));
}
BENCHMARK(BM_HttpGetCurlHeaders);

}  // namespace
