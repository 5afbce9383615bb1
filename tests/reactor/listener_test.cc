// Tests for reactor::Listener: ephemeral ports, accepted socket options (inherited from the
// listening socket), bounded accept batches,
// EINTR from accept4, SO_REUSEPORT, closing, and bad options.
#include "reactor/listener.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "reactor/event_loop.h"
#include "reactor/socket_address.h"
#include "tests/support/fault_injection.h"
#include "tests/support/socket_util.h"

namespace reactor {
namespace {

using reactor_testing::ConnectLoopback;

class ListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = EventLoop::Create();
    ASSERT_TRUE(loop.ok());
    loop_ = std::move(*loop);
    // Whatever a test does, it ends: a broken one fails here instead of hanging.
    safety_ = loop_->RunAfter(absl::Seconds(10), [this] {
      ADD_FAILURE() << "safety stop";
      loop_->Stop();
    });
  }
  void TearDown() override {
    for (int fd : accepted_) close(fd);
    for (int fd : clients_) close(fd);
    reactor_testing::DisableFaultsOnThisThread();
    reactor_testing::ResetFaults();
  }

  std::unique_ptr<Listener> MakeListener(ListenerOptions options, int stop_after) {
    auto listener = Listener::Create(loop_.get(), options,
                                     [this, stop_after](int fd, const SocketAddress& peer) {
                                       accepted_.push_back(fd);
                                       peers_.push_back(peer);
                                       accept_iteration_.push_back(loop_->iterations());
                                       if (static_cast<int>(accepted_.size()) == stop_after) {
                                         loop_->Stop();
                                       }
                                     });
    EXPECT_TRUE(listener.ok()) << listener.status();
    return listener.ok() ? std::move(*listener) : nullptr;
  }

  // A client connected to `listener`, closed by TearDown; -1 (and a test failure) if it failed.
  int Connect(const Listener& listener) {
    const int client = ConnectLoopback(listener.address().port());
    EXPECT_GE(client, 0) << "connect: errno " << errno;
    if (client >= 0) clients_.push_back(client);
    return client;
  }

  std::unique_ptr<EventLoop> loop_;
  TimerId safety_ = 0;
  std::vector<int> accepted_;
  std::vector<SocketAddress> peers_;
  std::vector<uint64_t> accept_iteration_;
  std::vector<int> clients_;
};

TEST_F(ListenerTest, BindsAnEphemeralLoopbackPort) {
  auto listener = MakeListener(ListenerOptions{}, 1);
  ASSERT_NE(listener, nullptr);
  EXPECT_NE(listener->address().port(), 0);
  EXPECT_EQ(listener->address().host(), "127.0.0.1");
  EXPECT_EQ(listener->address().ToString(),
            "127.0.0.1:" + std::to_string(listener->address().port()));
  EXPECT_FALSE(listener->closed());

  const int client = Connect(*listener);
  ASSERT_GE(client, 0);
  ASSERT_TRUE(loop_->Run().ok());
  ASSERT_EQ(accepted_.size(), 1u);
  EXPECT_EQ(listener->stats().accepted, 1u);

  // The accepted socket is what a Connection expects: non-blocking, close-on-exec, no Nagle.
  const int fd = accepted_[0];
  EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  int nodelay = 0;
  socklen_t len = sizeof nodelay;
  // The options are set only on the listening socket: this proves the kernel copies them.
  ASSERT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
  EXPECT_NE(nodelay, 0);
  // SO_KEEPALIVE, with Redis's default of 300 s before the first probe.
  int keepalive = 0;
  ASSERT_EQ(getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &keepalive, &len), 0);
  EXPECT_NE(keepalive, 0);
  int idle = 0;
  ASSERT_EQ(getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &len), 0);
  EXPECT_EQ(idle, 300);
  // The peer address handed over is the client's own address.
  auto client_addr = SocketAddress::LocalOf(client);
  ASSERT_TRUE(client_addr.ok());
  EXPECT_EQ(peers_[0].ToString(), client_addr->ToString());
}

TEST_F(ListenerTest, AcceptsInBoundedBatchesPerWakeup) {
  ListenerOptions options;
  options.max_accepts_per_wakeup = 4;
  auto listener = MakeListener(options, 10);
  ASSERT_NE(listener, nullptr);
  // All ten wait in the backlog before the loop first looks.
  for (int i = 0; i < 10; ++i) {
    ASSERT_GE(Connect(*listener), 0);
  }
  ASSERT_TRUE(loop_->Run().ok());
  ASSERT_EQ(accepted_.size(), 10u);
  std::map<uint64_t, int> per_iteration;
  for (uint64_t iteration : accept_iteration_) ++per_iteration[iteration];
  for (const auto& [iteration, count] : per_iteration) {
    EXPECT_LE(count, 4) << "iteration " << iteration << " accepted more than the batch limit";
  }
  EXPECT_GE(per_iteration.size(), 3u) << "10 connections in batches of 4 need 3 wakeups";
}

// Level triggering brings a busy listener back only once per rotation of the ready list (epoll
// hands out kMaxEventsPerWait events a wait, the listener among thousands of readable
// connections), so by default one turn takes everything the backlog holds (the old fixed batch
// of 64 took 5 turns for these 300).
TEST_F(ListenerTest, ADefaultTurnAcceptsEverythingTheBacklogHolds) {
  constexpr int kClients = 300;
  auto listener = MakeListener(ListenerOptions{}, kClients);  // backlog 511
  ASSERT_NE(listener, nullptr);
  for (int i = 0; i < kClients; ++i) {
    ASSERT_GE(Connect(*listener), 0);
  }
  ASSERT_TRUE(loop_->Run().ok());
  ASSERT_EQ(accepted_.size(), static_cast<size_t>(kClients));
  EXPECT_EQ(accept_iteration_.front(), accept_iteration_.back())
      << "the backlog took more than one turn";
}

TEST_F(ListenerTest, Accept4InterruptedBySignalIsRetried) {
  auto listener = MakeListener(ListenerOptions{}, 1);
  ASSERT_NE(listener, nullptr);
  const int client = Connect(*listener);
  ASSERT_GE(client, 0);
  reactor_testing::EnableFaultsOnThisThread();
  reactor_testing::InjectAccept4Error(EINTR, 2);
  ASSERT_TRUE(loop_->Run().ok());
  reactor_testing::DisableFaultsOnThisThread();
  EXPECT_EQ(accepted_.size(), 1u);
  EXPECT_EQ(reactor_testing::Accept4Counts().eintr, 2u);
  EXPECT_EQ(listener->stats().accept_errors, 0u) << "EINTR is not the connection's fault";
}

TEST_F(ListenerTest, AcceptErrorsOfOneConnectionDoNotStopTheListener) {
  auto listener = MakeListener(ListenerOptions{}, 1);
  ASSERT_NE(listener, nullptr);
  const int client = Connect(*listener);
  ASSERT_GE(client, 0);
  reactor_testing::EnableFaultsOnThisThread();
  reactor_testing::InjectAccept4Error(ECONNABORTED, 1);
  ASSERT_TRUE(loop_->Run().ok());
  reactor_testing::DisableFaultsOnThisThread();
  EXPECT_EQ(accepted_.size(), 1u);
  EXPECT_EQ(listener->stats().accept_errors, 1u);
}

TEST_F(ListenerTest, CloseStopsAccepting) {
  auto listener = MakeListener(ListenerOptions{}, 1);
  ASSERT_NE(listener, nullptr);
  const uint16_t port = listener->address().port();
  listener->Close();
  EXPECT_TRUE(listener->closed());
  listener->Close();  // idempotent
  EXPECT_LT(ConnectLoopback(port), 0);
  EXPECT_EQ(errno, ECONNREFUSED);
}

TEST_F(ListenerTest, PortInUseIsAnErrorWithoutReusePort) {
  auto first = MakeListener(ListenerOptions{}, 1);
  ASSERT_NE(first, nullptr);
  ListenerOptions same_port;
  same_port.port = first->address().port();
  auto second =
      Listener::Create(loop_.get(), same_port, [](int fd, const SocketAddress&) { close(fd); });
  EXPECT_FALSE(second.ok());
}

TEST_F(ListenerTest, ReusePortLetsTwoListenersShareAPort) {
  ListenerOptions options;
  options.reuse_port = true;
  auto first = MakeListener(options, 1);
  ASSERT_NE(first, nullptr);
  options.port = first->address().port();
  auto second =
      Listener::Create(loop_.get(), options, [](int fd, const SocketAddress&) { close(fd); });
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->address().port(), first->address().port());
}

TEST_F(ListenerTest, RejectsBadOptions) {
  ListenerOptions bad_host;
  bad_host.host = "example.com";  // numeric hosts only: no DNS in a reactor
  EXPECT_FALSE(Listener::Create(loop_.get(), bad_host, [](int, const SocketAddress&) {}).ok());
  ListenerOptions bad_backlog;
  bad_backlog.backlog = 0;
  auto status =
      Listener::Create(loop_.get(), bad_backlog, [](int, const SocketAddress&) {}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

// A listening socket that was shut down reports EPOLLHUP for ever, and accept4 fails with EINVAL
// at once: the listener must back off, not spin.
TEST_F(ListenerTest, AShutDownListeningSocketPausesInsteadOfSpinning) {
  ListenerOptions options;
  options.fd_exhaustion_backoff = absl::Milliseconds(50);
  auto listener = MakeListener(options, 1);
  ASSERT_NE(listener, nullptr);
  ASSERT_EQ(shutdown(listener->fd(), SHUT_RDWR), 0);
  loop_->RunAfter(absl::Milliseconds(300), [this] { loop_->Stop(); });
  const uint64_t before = loop_->iterations();
  ASSERT_TRUE(loop_->Run().ok());
  // Spinning would be tens of thousands of iterations; backing off is a wakeup per 50 ms pause.
  EXPECT_LT(loop_->iterations() - before, 40u);
  EXPECT_GE(listener->stats().pauses, 2u);
  EXPECT_TRUE(accepted_.empty());
}

}  // namespace
}  // namespace reactor
