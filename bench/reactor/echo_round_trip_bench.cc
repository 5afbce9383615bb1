// Microbenchmark: one echo round trip through EventLoop + Connection, over a socketpair and over
// loopback TCP, everything on one thread: the client's send, the loop's wakeup, the
// Connection's recv + session + send, and the client's read of the echo, per iteration.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "benchmark/benchmark.h"
#include "reactor/buffer.h"
#include "reactor/connection.h"
#include "reactor/event_loop.h"
#include "reactor/protocol.h"
#include "reactor/server_stats.h"

namespace {

class EchoSession : public reactor::Protocol {
 public:
  reactor::ProtocolResult OnInput(std::string_view input, reactor::Output& output) override {
    output.Append(input);
    return {input.size(), false};
  }
};

class NullObserver : public reactor::ConnectionObserver {
 public:
  void OnConnectionClosed(reactor::Connection*, int, reactor::CloseReason) override {}
};

// The client side, driven by the loop: sends a message, reads the whole echo, and sends the next
// while the benchmark wants more iterations.
class Client : public reactor::EventHandler {
 public:
  Client(benchmark::State& state, reactor::EventLoop* loop, int fd, size_t message_bytes)
      : state_(state), loop_(loop), fd_(fd), message_(message_bytes, 'm') {}

  void SendNext() {
    if (!state_.KeepRunning()) {
      loop_->Stop();
      return;
    }
    received_ = 0;
    if (send(fd_, message_.data(), message_.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(message_.size())) {
      std::abort();
    }
  }

  void OnEvents(uint32_t) override {
    char buf[64 * 1024];
    const ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) return;
    received_ += static_cast<size_t>(n);
    if (received_ == message_.size()) SendNext();
  }

 private:
  benchmark::State& state_;
  reactor::EventLoop* const loop_;
  const int fd_;
  const std::string message_;
  size_t received_ = 0;
};

void RunRoundTrips(benchmark::State& state, int client_fd, int server_fd) {
  auto loop_or = reactor::EventLoop::Create();
  if (!loop_or.ok()) std::abort();
  std::unique_ptr<reactor::EventLoop> loop = std::move(*loop_or);
  reactor::ServerStats stats;
  reactor::ConnectionContext context;
  context.loop = loop.get();
  context.stats = &stats;
  NullObserver observer;
  auto connection = std::make_unique<reactor::Connection>(
      &context, server_fd, std::make_unique<EchoSession>(), &observer);
  if (!connection->Start().ok()) std::abort();
  Client client(state, loop.get(), client_fd, static_cast<size_t>(state.range(0)));
  if (!loop->Add(client_fd, EPOLLIN, &client).ok()) std::abort();

  client.SendNext();
  if (!loop->Run().ok()) std::abort();

  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0) * 2);
  state.counters["loop_iterations_per_round_trip"] = benchmark::Counter(
      static_cast<double>(loop->iterations()) / static_cast<double>(state.iterations()));
  loop->Remove(client_fd).IgnoreError();
  connection.reset();  // closes server_fd
  close(client_fd);
}

void BM_EchoRoundTripSocketpair(benchmark::State& state) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
  RunRoundTrips(state, fds[0], fds[1]);
}
BENCHMARK(BM_EchoRoundTripSocketpair)->Arg(16)->Arg(512)->Arg(4096)->Arg(65536);

void BM_EchoRoundTripLoopbackTcp(benchmark::State& state) {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listener, 1) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();
  }
  const int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  const int server = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  close(listener);
  if (server < 0) std::abort();
  const int one = 1;
  setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  RunRoundTrips(state, client, server);
}
BENCHMARK(BM_EchoRoundTripLoopbackTcp)->Arg(16)->Arg(512)->Arg(4096)->Arg(65536);

}  // namespace
