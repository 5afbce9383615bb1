// SourceAddressPlan: a loopback target with more connections than one source address serves well
// is spread over 127.0.0.x sources; anything else is left as the user gave it.
#include "client/source_address_plan.h"

#include "gtest/gtest.h"

namespace client {
namespace {

ClientOptions Options(const char* host, int connections) {
  ClientOptions o;
  o.target = *reactor::SocketAddress::FromHostPort(host, 7000);
  o.connections = connections;
  return o;
}

TEST(SourceAddressPlanTest, ALargeLoopbackRunIsSpreadOverLoopbackSources) {
  auto plan = PlanSourceAddresses(Options("127.0.0.1", 19000), 28232);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->addresses.size(), 3u);  // 7058 per address at most
  EXPECT_EQ(plan->addresses[0].ToString(), "127.0.0.1:0");
  EXPECT_EQ(plan->addresses[2].ToString(), "127.0.0.3:0");
  EXPECT_NE(plan->explanation.find("chosen automatically"), std::string::npos);
}

TEST(SourceAddressPlanTest, SmallRunsOtherTargetsAndGivenSourcesAreLeftAlone) {
  auto small = PlanSourceAddresses(Options("127.0.0.1", 7058), 28232);
  ASSERT_TRUE(small.ok());
  EXPECT_TRUE(small->addresses.empty());
  auto remote = PlanSourceAddresses(Options("10.1.2.3", 19000), 28232);
  ASSERT_TRUE(remote.ok());
  EXPECT_TRUE(remote->addresses.empty());
  auto v6 = PlanSourceAddresses(Options("::1", 19000), 28232);
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->addresses.empty());
  ClientOptions given = Options("127.0.0.1", 19000);
  given.source_addresses = *ParseSourceAddresses("127.0.0.5-127.0.0.6");
  auto kept = PlanSourceAddresses(given, 28232);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->addresses.size(), 2u);
  EXPECT_TRUE(kept->explanation.empty());
}

TEST(SourceAddressPlanTest, ReadsTheKernelsPortRange) {
  // 32768-60999 here; any sane range has at least a few thousand ports.
  EXPECT_GT(EphemeralPortCount(), 1000u);
}

}  // namespace
}  // namespace client
