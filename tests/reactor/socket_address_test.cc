// Tests for reactor::SocketAddress: parsing "HOST:PORT" and "[V6]:PORT", refusing what is not a
// numeric address (a reactor must never block on DNS), and printing back.
#include "reactor/socket_address.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace reactor {
namespace {

TEST(SocketAddressTest, ParsesIpv4AndPrintsItBack) {
  auto addr = SocketAddress::Parse("127.0.0.1:6379");
  ASSERT_TRUE(addr.ok()) << addr.status();
  EXPECT_EQ(addr->family(), AF_INET);
  EXPECT_EQ(addr->host(), "127.0.0.1");
  EXPECT_EQ(addr->port(), 6379);
  EXPECT_EQ(addr->length(), sizeof(sockaddr_in));
  EXPECT_EQ(addr->ToString(), "127.0.0.1:6379");
}

TEST(SocketAddressTest, ParsesBracketedIpv6) {
  auto addr = SocketAddress::Parse("[::1]:80");
  ASSERT_TRUE(addr.ok()) << addr.status();
  EXPECT_EQ(addr->family(), AF_INET6);
  EXPECT_EQ(addr->host(), "::1");
  EXPECT_EQ(addr->port(), 80);
  EXPECT_EQ(addr->ToString(), "[::1]:80");
}

TEST(SocketAddressTest, LocalhostIsLoopbackWithoutALookup) {
  auto addr = SocketAddress::Parse("localhost:0");
  ASSERT_TRUE(addr.ok()) << addr.status();
  EXPECT_EQ(addr->host(), "127.0.0.1");
  EXPECT_EQ(addr->port(), 0);
}

TEST(SocketAddressTest, RefusesWhatIsNotANumericHostAndPort) {
  for (const char* bad : {"127.0.0.1", "example.com:80", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:http", "[::1:80", "[::1]80", ":", ""}) {
    auto addr = SocketAddress::Parse(bad);
    EXPECT_FALSE(addr.ok()) << "'" << bad << "' was accepted as " << addr->ToString();
    if (!addr.ok()) EXPECT_EQ(addr.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SocketAddressTest, SetPortKeepsTheHost) {
  auto addr = SocketAddress::FromHostPort("10.1.2.3", 1);
  ASSERT_TRUE(addr.ok());
  addr->set_port(4242);
  EXPECT_EQ(addr->ToString(), "10.1.2.3:4242");
}

TEST(SocketAddressTest, LocalOfABoundSocketGivesItsPort) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  auto any = SocketAddress::FromHostPort("127.0.0.1", 0);
  ASSERT_TRUE(any.ok());
  ASSERT_EQ(bind(fd, any->sockaddr_ptr(), any->length()), 0);
  auto bound = SocketAddress::LocalOf(fd);
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_NE(bound->port(), 0);
  EXPECT_EQ(bound->host(), "127.0.0.1");
  close(fd);
  // A closed fd: the error comes back as a status, not a crash.
  EXPECT_FALSE(SocketAddress::LocalOf(fd).ok());
}

}  // namespace
}  // namespace reactor
