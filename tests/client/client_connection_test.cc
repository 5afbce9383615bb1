// ClientConnection over a socketpair, driven by hand (no loop running): a pipelined batch of
// requests goes out intact through short sends, and a partial reply is the only input memory a
// connection holds.
#include "client/client_connection.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "client/echo_codec.h"
#include "client/resp_codec.h"
#include "gtest/gtest.h"
#include "reactor/event_loop.h"

namespace client {
namespace {

class CountingHost : public ConnectionHost {
 public:
  void OnConnected(ClientConnection*) override {}
  void OnDisconnected(ClientConnection*, bool) override { ++disconnects; }
  bool TakeSendPermit(int64_t) override { return false; }  // only the requests the test queues
  void OnRequestsResolved() override {}
  void WakeAt(ClientConnection*, int64_t) override {}
  int disconnects = 0;
};

class ClientConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = reactor::EventLoop::Create();
    ASSERT_TRUE(loop.ok()) << loop.status();
    loop_ = *std::move(loop);
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds_), 0);
    options_.pipeline = 64;
    context_.max_in_flight = 64;
    context_.loop = loop_.get();
    context_.options = &options_;
    context_.stats = &stats_;
    context_.interval = &interval_;
    context_.host = &host_;
    context_.timeout_nanos = 10'000'000'000;
    context_.connect_timeout_nanos = 10'000'000'000;
  }
  void TearDown() override {
    if (fds_[1] >= 0) close(fds_[1]);
  }

  // Reads what the client sent, nudging its EPOLLOUT handler whenever the socket ran dry, until
  // `n` bytes arrived or 10,000 rounds passed.
  std::string ReadFromClient(ClientConnection& connection, size_t n) {
    std::string got;
    char buf[4096];
    for (int round = 0; round < 10'000 && got.size() < n; ++round) {
      const ssize_t r = read(fds_[1], buf, sizeof buf);
      if (r > 0) {
        got.append(buf, static_cast<size_t>(r));
      } else {
        connection.OnEvents(EPOLLOUT);
      }
    }
    return got;
  }

  std::unique_ptr<reactor::EventLoop> loop_;
  int fds_[2] = {-1, -1};
  ClientOptions options_;
  LoadStats stats_;
  IntervalCounters interval_;
  CountingHost host_;
  ClientContext context_;
};

TEST_F(ClientConnectionTest, PipelinedBatchGoesOutIntactThroughShortSends) {
  // 64 requests of 3000 bytes against a 4 KiB send buffer: many short sends, each ending
  // inside a request.
  const int sndbuf = 4096;
  ASSERT_EQ(setsockopt(fds_[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf), 0);
  EchoCodec codec(3000);
  const std::string_view request = codec.RequestFor(5);
  ClientConnection connection(&context_, 0, 5, request, codec.NewVerifier(request), nullptr);
  connection.AdoptConnectedFdForTesting(fds_[0]);
  for (int i = 0; i < 64; ++i) connection.QueueRequest(0, 0);
  ASSERT_TRUE(connection.Flush());
  std::string expected;
  for (int i = 0; i < 64; ++i) expected.append(request);
  const std::string sent = ReadFromClient(connection, expected.size());
  ASSERT_EQ(sent.size(), expected.size());
  EXPECT_TRUE(sent == expected);
  EXPECT_EQ(stats_.bytes_sent, expected.size());
  // The echo of it all verifies, request by request.
  size_t offset = 0;
  for (int round = 0; round < 10'000 && offset < sent.size(); ++round) {
    const ssize_t w = write(fds_[1], sent.data() + offset, sent.size() - offset);
    if (w > 0) offset += static_cast<size_t>(w);
    connection.OnEvents(EPOLLIN);
  }
  for (int round = 0; round < 100 && stats_.ledger.ok < 64; ++round) connection.OnEvents(EPOLLIN);
  EXPECT_EQ(stats_.ledger.ok, 64u);
  EXPECT_EQ(stats_.ledger.mismatched, 0u);
  EXPECT_EQ(connection.in_flight(), 0u);
  EXPECT_EQ(host_.disconnects, 0);
  connection.CloseAtEnd();
}

TEST_F(ClientConnectionTest, OnlyAPartialReplyHoldsInputMemory) {
  RespCodec codec("PING", 0);
  const std::string_view request = codec.RequestFor(0);
  ClientConnection connection(&context_, 0, 0, request, codec.NewVerifier(request), nullptr);
  connection.AdoptConnectedFdForTesting(fds_[0]);
  EXPECT_EQ(connection.input_capacity(), 0u);
  ASSERT_TRUE(connection.SendRequest(0));
  ASSERT_EQ(ReadFromClient(connection, request.size()), request);
  // Half a reply: only its bytes are kept, not a whole read chunk.
  ASSERT_EQ(write(fds_[1], "+PO", 3), 3);
  connection.OnEvents(EPOLLIN);
  EXPECT_EQ(stats_.ledger.ok, 0u);
  EXPECT_GT(connection.input_capacity(), 0u);
  EXPECT_LT(connection.input_capacity(), ClientConnection::kReadChunkBytes);
  // The rest completes it, and the connection holds nothing again.
  ASSERT_EQ(write(fds_[1], "NG\r\n", 4), 4);
  connection.OnEvents(EPOLLIN);
  EXPECT_EQ(stats_.ledger.ok, 1u);
  EXPECT_EQ(connection.input_capacity(), 0u);
  connection.CloseAtEnd();
}

TEST_F(ClientConnectionTest, NothingActsOnAConnectionThatIsGone) {
  // A wake-up or a flush booked before the connection was lost must find it gone and do
  // nothing: before, Flush() sent on fd -1 and lost the connection a second time (a second
  // loss counted, a second reconnect booked, "connection lost: Bad file descriptor").
  EchoCodec codec(16);
  const std::string_view request = codec.RequestFor(0);
  ClientConnection connection(&context_, 0, 0, request, codec.NewVerifier(request), nullptr);
  connection.AdoptConnectedFdForTesting(fds_[0]);
  ASSERT_TRUE(connection.SendRequest(0));
  ASSERT_EQ(ReadFromClient(connection, request.size()), request);
  close(fds_[1]);
  fds_[1] = -1;
  connection.OnEvents(EPOLLIN);
  ASSERT_EQ(connection.state(), ClientConnection::State::kClosed);
  EXPECT_EQ(host_.disconnects, 1);
  EXPECT_EQ(stats_.ledger.closed_by_peer, 1u);
  EXPECT_EQ(stats_.ledger.eof, 1u);
  connection.QueueDue(INT64_MAX);
  connection.Flush();
  connection.OnEvents(EPOLLIN | EPOLLOUT);
  connection.CheckTimeouts(INT64_MAX);
  connection.CloseAtEnd();
  EXPECT_EQ(host_.disconnects, 1);
  EXPECT_EQ(stats_.ledger.closed_by_peer + stats_.ledger.reset_by_peer, 1u);
  EXPECT_TRUE(stats_.errors_by_detail.empty());
  // A reconnect is possible from here, and only from here.
  EXPECT_EQ(connection.state(), ClientConnection::State::kClosed);
}

TEST_F(ClientConnectionTest, AnIpv6SourceIsBoundWithoutAPort) {
  // Without IP_BIND_ADDRESS_NO_PORT, bind() picks a port before it knows the destination, and
  // a source address runs out after one connection per ephemeral port in all. It was set only
  // for IPv4.
  const int listener = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
    close(listener);
    GTEST_SKIP() << "no IPv6 loopback";
  }
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  options_.target = *reactor::SocketAddress::FromHostPort("::1", ntohs(address.sin6_port));
  const reactor::SocketAddress source = *reactor::SocketAddress::FromHostPort("::1", 0);
  EchoCodec codec(16);
  const std::string_view request = codec.RequestFor(0);
  ClientConnection connection(&context_, 0, 0, request, codec.NewVerifier(request), &source);
  ASSERT_TRUE(connection.Connect());
  ASSERT_NE(connection.state(), ClientConnection::State::kClosed) << stats_.errors_by_detail.size();
  int value = 0;
  socklen_t size = sizeof value;
  ASSERT_EQ(getsockopt(connection.fd(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &value, &size), 0);
  EXPECT_EQ(value, 1);
  connection.CloseAtEnd();
  close(listener);
}

}  // namespace
}  // namespace client
