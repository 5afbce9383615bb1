// ServerGroup and EventLoop::RunInLoop: N loops on one SO_REUSEPORT port, cross-thread tasks, and
// a shutdown fanned out to every loop by one signal.
#include "reactor/server_group.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/reactor/test_protocols.h"
#include "tests/support/socket_util.h"

namespace reactor {
namespace {

using reactor_testing::ConnectLoopback;
using reactor_testing::EchoExchange;
using reactor_testing::Pattern;
using reactor_testing::TestProtocolFactory;
using reactor_testing::WriteUntilBlocked;

TEST(RunInLoopTest, TasksFromManyThreadsAllRunOnTheLoopThread) {
  auto loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  EventLoop* l = loop->get();
  constexpr int kThreads = 4;
  constexpr int kTasksPerThread = 500;
  int ran = 0;  // touched on the loop thread only
  bool all_on_loop_thread = true;
  std::thread::id loop_thread;

  std::thread runner([&] {
    loop_thread = std::this_thread::get_id();
    ASSERT_TRUE(l->Run().ok());
  });
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&] {
      for (int i = 0; i < kTasksPerThread; ++i) {
        l->RunInLoop([&] {
          all_on_loop_thread &= std::this_thread::get_id() == loop_thread;
          if (++ran == kThreads * kTasksPerThread) l->Stop();
        });
      }
    });
  }
  for (std::thread& poster : posters) poster.join();
  runner.join();
  EXPECT_EQ(ran, kThreads * kTasksPerThread);
  EXPECT_TRUE(all_on_loop_thread);
}

// The epoll fds of this process, in the order they were opened (lowest number first, as the
// kernel hands them out when nothing was closed in between).
std::vector<int> EpollFds() {
  std::vector<int> fds;
  for (int fd = 0; fd < 1024; ++fd) {
    char link[64];
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = readlink(path.c_str(), link, sizeof link - 1);
    if (n > 0 && std::string_view(link, static_cast<size_t>(n)) == "anon_inode:[eventpoll]") {
      fds.push_back(fd);
    }
  }
  return fds;
}

// A worker loop whose Run() fails (here: its epoll fd replaced under it, so the next
// epoll_wait fails with EINVAL) stops the whole group, and Run says which loop failed, instead
// of leaving the other loops serving and that loop's connections orphaned.
TEST(ServerGroupTest, AFailingWorkerLoopStopsEveryLoop) {
  const std::vector<int> before = EpollFds();
  TcpServerOptions options;
  options.listener.port = 0;
  auto group = ServerGroup::Create(2, options, [](ServerStats*, StatsSnapshot) {
    return std::make_unique<TestProtocolFactory>(TestProtocolFactory::Kind::kRawEcho);
  });
  ASSERT_TRUE(group.ok()) << group.status();
  std::vector<int> mine;
  for (int fd : EpollFds()) {
    if (std::find(before.begin(), before.end(), fd) == before.end()) mine.push_back(fd);
  }
  ASSERT_EQ(mine.size(), 2u);
  absl::Status run_status;
  std::atomic<bool> returned{false};
  std::thread runner([&] {
    run_status = (*group)->Run({SIGINT, SIGTERM}, [](int) {});
    returned = true;
  });
  absl::SleepFor(absl::Milliseconds(50));  // both loops asleep in epoll_wait
  const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(devnull, 0);
  ASSERT_EQ(dup2(devnull, mine[1]), mine[1]);  // loop 1's next epoll_wait fails
  close(devnull);
  // Wake loop 1: the kernel spreads connections over both listeners.
  for (int i = 0; i < 50 && !returned; ++i) {
    const int fd = ConnectLoopback((*group)->address().port());
    if (fd >= 0) close(fd);
    absl::SleepFor(absl::Milliseconds(20));
  }
  runner.join();
  EXPECT_FALSE(run_status.ok());
  EXPECT_NE(std::string(run_status.message()).find("loop 1"), std::string::npos) << run_status;
}

TEST(ServerGroupTest, LoopsShareOnePortAndOneSignalStopsThemAll) {
  // Blocked here too, so the SIGTERM sent to the process below can only be taken by the group's
  // signalfd, never by this thread's default action.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &mask, nullptr), 0);

  TcpServerOptions options;
  options.listener.port = 0;
  options.drain_timeout = absl::Seconds(1);
  std::atomic<int> factories{0};
  auto group = ServerGroup::Create(2, options, [&](ServerStats*, StatsSnapshot) {
    ++factories;
    return std::make_unique<TestProtocolFactory>(TestProtocolFactory::Kind::kRawEcho);
  });
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(factories.load(), 2);
  const uint16_t port = (*group)->address().port();
  ASSERT_NE(port, 0);

  std::atomic<int> signals_seen{0};
  absl::Status run_status;
  std::thread runner([&] {
    run_status = (*group)->Run({SIGINT, SIGTERM}, [&](int) { ++signals_seen; });
  });

  // Many connections, so the kernel's SO_REUSEPORT hash spreads them over both loops; each echoes.
  constexpr int kConnections = 40;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = ConnectLoopback(port);
    ASSERT_GE(fd, 0);
    const std::string data = Pattern(1000 + i, i);
    auto echoed = EchoExchange(fd, data, absl::Seconds(10));
    EXPECT_EQ(echoed.data, data) << "connection " << i;
    fds.push_back(fd);
  }
  for (int fd : fds) close(fd);

  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  runner.join();
  EXPECT_TRUE(run_status.ok()) << run_status;
  EXPECT_EQ(signals_seen.load(), 1);
  const ServerStats total = (*group)->TotalStats();
  EXPECT_EQ(total.connections_accepted, static_cast<uint64_t>(kConnections));
  EXPECT_EQ(total.connections_current, 0u);
  EXPECT_EQ((*group)->TotalListenerStats().accepted, static_cast<uint64_t>(kConnections));
}

// A client that never reads keeps one loop draining until drain_timeout. Whichever loop it is on,
// a second SIGTERM must still be heard (loop 0 keeps its signalfd until every loop is done) and
// cut the drain short.
TEST(ServerGroupTest, ASecondSignalCutsALongDrainShort) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &mask, nullptr), 0);

  TcpServerOptions options;
  options.drain_timeout = absl::Seconds(60);
  options.connection.high_water_bytes = 64 * 1024;
  options.connection.low_water_bytes = 16 * 1024;
  auto group = ServerGroup::Create(2, options, [](ServerStats*, StatsSnapshot) {
    return std::make_unique<TestProtocolFactory>(TestProtocolFactory::Kind::kRawEcho);
  });
  ASSERT_TRUE(group.ok()) << group.status();
  std::atomic<int> signals_seen{0};
  std::thread runner([&] {
    ASSERT_TRUE((*group)->Run({SIGINT, SIGTERM}, [&](int) { ++signals_seen; }).ok());
  });

  // Several stuck clients, so both loops are likely to hold one.
  std::vector<int> stuck;
  for (int i = 0; i < 8; ++i) {
    const int fd = ConnectLoopback((*group)->address().port());
    ASSERT_GE(fd, 0);
    WriteUntilBlocked(fd, Pattern(16 << 20, i), absl::Milliseconds(200));
    stuck.push_back(fd);
  }
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  // The second signal must wait until the first was handled: two pending SIGTERMs are one.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (signals_seen.load() == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(2));
  }
  EXPECT_EQ(signals_seen.load(), 1);
  const absl::Time second = absl::Now();
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  runner.join();  // would take the 60 s drain_timeout if the second signal were lost
  EXPECT_LT(absl::Now() - second, absl::Seconds(10));
  EXPECT_EQ(signals_seen.load(), 2);
  for (int fd : stuck) close(fd);
}

// max_connections is one limit for the whole group, not a share per loop: however the kernel
// spreads connections over the loops, exactly that many are admitted.
TEST(ServerGroupTest, MaxConnectionsIsOneLimitForAllLoops) {
  TcpServerOptions options;
  options.max_connections = 5;
  auto group = ServerGroup::Create(2, options, [](ServerStats*, StatsSnapshot) {
    return std::make_unique<TestProtocolFactory>(TestProtocolFactory::Kind::kLineEcho);
  });
  ASSERT_TRUE(group.ok()) << group.status();
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &mask, nullptr), 0);
  std::thread runner([&] { ASSERT_TRUE((*group)->Run({SIGINT, SIGTERM}, [](int) {}).ok()); });

  int admitted = 0;
  int refused = 0;
  std::vector<int> fds;
  for (int i = 0; i < 12; ++i) {
    const int fd = ConnectLoopback((*group)->address().port());
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
    // An admitted connection echoes; a refused one is told "FULL" and closed.
    ASSERT_TRUE(reactor_testing::WriteAll(fd, "hi\n", absl::Seconds(5)));
    const auto reply = reactor_testing::ReadExactly(fd, 3, absl::Seconds(5));
    if (reply.data == "hi\n") {
      ++admitted;
    } else {
      EXPECT_EQ(reply.data.substr(0, 3), "FUL");
      ++refused;
    }
  }
  EXPECT_EQ(admitted, 5);
  EXPECT_EQ(refused, 7);
  EXPECT_EQ((*group)->TotalStats().connections_rejected, 7u);
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  runner.join();
  for (int fd : fds) close(fd);
}

TEST(ServerGroupTest, ZeroLoopsIsRefused) {
  auto group = ServerGroup::Create(0, TcpServerOptions{}, [](ServerStats*, StatsSnapshot) {
    return std::make_unique<TestProtocolFactory>(TestProtocolFactory::Kind::kRawEcho);
  });
  EXPECT_EQ(group.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reactor
