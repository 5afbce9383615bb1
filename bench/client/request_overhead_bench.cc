// The client's per-request work outside the kernel: verifying one reply (echo, RESP, HTTP) and
// the bookkeeping around it; and one whole request through a ClientConnection over a socketpair
// whose peer echoes in the same thread (two syscalls each way included).
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "benchmark/benchmark.h"
#include "client/client_connection.h"
#include "client/echo_codec.h"
#include "client/http_codec.h"
#include "client/resp_codec.h"
#include "reactor/event_loop.h"

namespace client {
namespace {

void BM_EchoVerify64(benchmark::State& state) {
  EchoCodec codec(64);
  const std::string_view request = codec.RequestFor(3);
  auto verifier = codec.NewVerifier(request);
  for (auto _ : state) benchmark::DoNotOptimize(verifier->Next(request));
}
BENCHMARK(BM_EchoVerify64);

void BM_RespPongVerify(benchmark::State& state) {
  RespCodec codec("PING", 0);
  auto verifier = codec.NewVerifier(codec.RequestFor(0));
  for (auto _ : state) benchmark::DoNotOptimize(verifier->Next("+PONG\r\n"));
}
BENCHMARK(BM_RespPongVerify);

void BM_HttpResponseVerify(benchmark::State& state) {
  HttpCodec codec("/", "127.0.0.1:80");
  auto verifier = codec.NewVerifier(codec.RequestFor(0));
  const std::string response =
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Tue, 25 Nov 2025 23:00:00 GMT\r\n"
      "Content-Type: text/plain\r\nContent-Length: 12\r\nConnection: keep-alive\r\n\r\n"
      "hello world\n";
  for (auto _ : state) benchmark::DoNotOptimize(verifier->Next(response));
}
BENCHMARK(BM_HttpResponseVerify);

// A host that keeps the closed loop going and counts nothing else.
class NullHost : public ConnectionHost {
 public:
  void OnConnected(ClientConnection*) override {}
  void OnDisconnected(ClientConnection*, bool) override {}
  bool TakeSendPermit(int64_t) override { return true; }
  void OnRequestsResolved() override {}
  void WakeAt(ClientConnection*, int64_t) override {}
};

// One request/response through ClientConnection's own paths (send, recv, verify, ring, histogram
// records) with the echo done inline on the other end of a socketpair.
void BM_ClientConnectionRoundTrip(benchmark::State& state) {
  auto loop = reactor::EventLoop::Create();
  int fds[2];
  if (!loop.ok() || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) < 0) {
    state.SkipWithError("setup failed");
    return;
  }
  ClientOptions options;
  LoadStats stats;
  IntervalCounters interval;
  NullHost host;
  ClientContext context;
  context.loop = loop->get();
  context.options = &options;
  context.stats = &stats;
  context.interval = &interval;
  context.host = &host;
  context.timeout_nanos = 1'000'000'000;
  context.connect_timeout_nanos = 1'000'000'000;
  EchoCodec codec(64);
  const std::string_view request = codec.RequestFor(0);
  ClientConnection connection(&context, 0, 0, request, codec.NewVerifier(request), nullptr);
  connection.AdoptConnectedFdForTesting(fds[0]);
  char buf[256];
  connection.SendRequest(0);
  for (auto _ : state) {
    // The peer echoes what arrived; the client's readable handler verifies it and sends the next.
    const ssize_t n = read(fds[1], buf, sizeof buf);
    if (n <= 0 || write(fds[1], buf, n) != n) {
      state.SkipWithError("echo failed");
      break;
    }
    connection.OnEvents(EPOLLIN);
  }
  state.counters["ok"] = static_cast<double>(stats.ledger.ok);
  close(fds[1]);
}
BENCHMARK(BM_ClientConnectionRoundTrip);

}  // namespace
}  // namespace client
