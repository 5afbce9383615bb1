// Tests reactor::Listener when the process runs out of fds (EMFILE under a lowered
// RLIMIT_NOFILE): pending connections are dropped and counted, the loop sleeps instead of
// spinning, and accepting resumes once fds are available. Its own binary: it changes rlimits.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "reactor/event_loop.h"
#include "reactor/listener.h"
#include "reactor/tcp_server.h"
#include "tests/reactor/test_protocols.h"
#include "tests/support/socket_util.h"

namespace reactor {
namespace {

using reactor_testing::ConnectFd;
using reactor_testing::NewTcpSocket;
using reactor_testing::ReadToEof;

int64_t CpuMicros() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return (int64_t{usage.ru_utime.tv_sec} + usage.ru_stime.tv_sec) * 1'000'000 +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

// Runs `loop` twice briefly. The second run dispatches the wakeup eventfd left by the first
// Stop(), so every handler a later run under fd exhaustion calls has been called once before: on
// a first call UBSan's vptr check probes memory through a pipe(), which fails while fds are
// exhausted and is then misreported as "invalid vptr".
void WarmUp(EventLoop& loop) {
  for (int i = 0; i < 2; ++i) {
    loop.RunAfter(absl::Milliseconds(1), [&loop] { loop.Stop(); });
    ASSERT_TRUE(loop.Run().ok());
  }
}

// Lowers RLIMIT_NOFILE so that no fd can be allocated, filling any holes below the limit, and
// restores everything when it goes out of scope.
class FdExhaustion {
 public:
  FdExhaustion() {
    getrlimit(RLIMIT_NOFILE, &saved_);
    int highest = 0;
    for (int fd = 0; fd < 4096; ++fd) {
      if (fcntl(fd, F_GETFD) >= 0) highest = fd;
    }
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(highest + 1);
    EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
    for (int i = 0; i < 4096; ++i) {
      const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        EXPECT_EQ(errno, EMFILE);
        break;
      }
      fillers_.push_back(fd);
    }
  }
  ~FdExhaustion() { Restore(); }
  void Restore() {
    for (int fd : fillers_) close(fd);
    fillers_.clear();
    setrlimit(RLIMIT_NOFILE, &saved_);
  }

 private:
  rlimit saved_{};
  std::vector<int> fillers_;
};

TEST(ListenerEmfileTest, DropsConnectionsWithoutSpinningAndRecovers) {
  auto loop_or = EventLoop::Create();
  ASSERT_TRUE(loop_or.ok());
  std::unique_ptr<EventLoop> loop = std::move(*loop_or);
  ListenerOptions options;
  options.fd_exhaustion_backoff = absl::Milliseconds(50);
  std::vector<int> accepted;
  auto listener_or = Listener::Create(loop.get(), options, [&](int fd, const SocketAddress&) {
    accepted.push_back(fd);
    loop->Stop();
  });
  ASSERT_TRUE(listener_or.ok()) << listener_or.status();
  std::unique_ptr<Listener> listener = std::move(*listener_or);
  const uint16_t port = listener->address().port();

  // One ordinary accept first (the listener works; its handler is warm, see WarmUp()).
  const int warmup = reactor_testing::ConnectLoopback(port);
  ASSERT_GE(warmup, 0);
  ASSERT_TRUE(loop->Run().ok());
  ASSERT_EQ(accepted.size(), 1u);
  WarmUp(*loop);

  // The clients' sockets exist before fds run out; connecting needs no new fd.
  constexpr int kClients = 5;
  std::vector<int> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(NewTcpSocket());
  const int late_client = NewTcpSocket();

  auto exhaustion = std::make_unique<FdExhaustion>();
  ASSERT_LT(open("/dev/null", O_RDONLY), 0);
  ASSERT_EQ(errno, EMFILE);
  for (int fd : clients) ASSERT_TRUE(ConnectFd(fd, port));

  // A window in which a naive listener would spin on EMFILE: the backlog keeps it readable.
  loop->RunAfter(absl::Milliseconds(300), [&] { loop->Stop(); });
  const uint64_t iterations_before = loop->iterations();
  const int64_t cpu_before = CpuMicros();
  ASSERT_TRUE(loop->Run().ok());
  const uint64_t iterations = loop->iterations() - iterations_before;
  const int64_t cpu_micros = CpuMicros() - cpu_before;

  EXPECT_EQ(accepted.size(), 1u) << "only the warm-up connection";
  EXPECT_EQ(listener->stats().dropped_for_fds, static_cast<uint64_t>(kClients));
  EXPECT_EQ(listener->stats().accepted, 1u);
  // Once the backlog is empty the spare fd trick finds nothing to refuse: no pause is needed.
  EXPECT_EQ(listener->stats().pauses, 0u);
  // A spinning loop does tens of thousands of iterations in 300 ms; a sleeping one a handful
  // (wakeups for the connections and the backoff timer).
  EXPECT_LT(iterations, 100u);
  EXPECT_LT(cpu_micros, 150'000) << "the loop burned CPU while out of fds";
  // Each dropped client learns at once, rather than hanging in the backlog.
  for (int fd : clients) {
    const auto result = ReadToEof(fd, absl::Seconds(2));
    EXPECT_TRUE(result.eof || result.error == ECONNRESET) << "error " << result.error;
  }

  // Fds are back: the listener accepts again (after its backoff, if it paused).
  exhaustion.reset();
  ASSERT_TRUE(ConnectFd(late_client, port));
  const TimerId safety = loop->RunAfter(absl::Seconds(5), [&] {
    ADD_FAILURE() << "not accepted after fds came back";
    loop->Stop();
  });
  ASSERT_TRUE(loop->Run().ok());
  loop->Cancel(safety);
  EXPECT_EQ(accepted.size(), 2u);
  EXPECT_EQ(listener->stats().accepted, 2u);

  for (int fd : accepted) close(fd);
  for (int fd : clients) close(fd);
  close(late_client);
  close(warmup);
}

// Through a whole TcpServer: dropped connections are counted, and the server keeps serving the
// connections it already has.
TEST(ListenerEmfileTest, TcpServerKeepsServingWhileOutOfFds) {
  auto loop_or = EventLoop::Create();
  ASSERT_TRUE(loop_or.ok());
  std::unique_ptr<EventLoop> loop = std::move(*loop_or);
  reactor_testing::TestProtocolFactory factory(
      reactor_testing::TestProtocolFactory::Kind::kRawEcho);
  TcpServerOptions options;
  options.listener.fd_exhaustion_backoff = absl::Milliseconds(50);
  TcpServer server(loop.get(), options, &factory);
  ASSERT_TRUE(server.Start().ok());
  const uint16_t port = server.address().port();

  // Connected and served once before fds run out (so its handler is warm, see WarmUp()).
  const int established = reactor_testing::ConnectLoopback(port);
  ASSERT_GE(established, 0);
  ASSERT_TRUE(reactor_testing::WriteAll(established, "warm", absl::Seconds(1)));
  loop->RunAfter(absl::Milliseconds(50), [&] { loop->Stop(); });
  ASSERT_TRUE(loop->Run().ok());
  ASSERT_EQ(server.connection_count(), 1u);
  ASSERT_EQ(reactor_testing::ReadExactly(established, 4, absl::Seconds(2)).data, "warm");
  WarmUp(*loop);

  const int refused = NewTcpSocket();
  {
    FdExhaustion exhaustion;
    ASSERT_TRUE(ConnectFd(refused, port));
    ASSERT_TRUE(reactor_testing::WriteAll(established, "ping", absl::Seconds(1)));
    loop->RunAfter(absl::Milliseconds(200), [&] { loop->Stop(); });
    const uint64_t before = loop->iterations();
    ASSERT_TRUE(loop->Run().ok());
    EXPECT_LT(loop->iterations() - before, 100u);
  }
  EXPECT_EQ(server.listener_stats().dropped_for_fds, 1u);
  EXPECT_EQ(server.connection_count(), 1u);
  const auto echo = reactor_testing::ReadExactly(established, 4, absl::Seconds(2));
  EXPECT_EQ(echo.data, "ping");
  close(established);
  close(refused);
}

}  // namespace
}  // namespace reactor
