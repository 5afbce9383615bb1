// ClientOptions: every bad value is refused up front, naming its flag and range.
#include "client/client_options.h"

#include "gtest/gtest.h"

namespace client {
namespace {

ClientOptions Valid() {
  ClientOptions o;
  o.target = *reactor::SocketAddress::Parse("127.0.0.1:7000");
  return o;
}

void ExpectRejected(const ClientOptions& o, const std::string& flag) {
  const absl::Status s = o.Validate();
  EXPECT_FALSE(s.ok()) << flag;
  EXPECT_NE(std::string(s.message()).find("--" + flag), std::string::npos) << s.message();
}

TEST(ClientOptionsTest, DefaultsWithATargetAreValid) { EXPECT_TRUE(Valid().Validate().ok()); }

TEST(ClientOptionsTest, BadValuesNameTheirFlag) {
  ClientOptions o = Valid();
  o.target = reactor::SocketAddress();
  ExpectRejected(o, "target");
  o = Valid();
  o.connections = 0;
  ExpectRejected(o, "connections");
  o = Valid();
  o.threads = 0;
  ExpectRejected(o, "threads");
  o = Valid();
  o.pipeline = 0;
  ExpectRejected(o, "pipeline");
  o = Valid();
  o.message_bytes = 0;
  ExpectRejected(o, "message_bytes");
  o = Valid();
  o.duration = absl::ZeroDuration();
  ExpectRejected(o, "duration");
  o = Valid();
  o.timeout = absl::ZeroDuration();
  ExpectRejected(o, "timeout");
  o = Valid();
  o.connect_timeout = -absl::Seconds(1);
  ExpectRejected(o, "connect_timeout");
  o = Valid();
  o.protocol = ClientProtocol::kResp;
  o.command = " ";
  ExpectRejected(o, "command");
  o = Valid();
  o.protocol = ClientProtocol::kHttp;
  o.path = "nope";
  ExpectRejected(o, "path");
}

TEST(ClientOptionsTest, AnyRespCommandLineIsAccepted) {
  ClientOptions o = Valid();
  o.protocol = ClientProtocol::kResp;
  for (const char* command : {"PING", "echo", "SET key value", "GET key", "INCR counter"}) {
    o.command = command;
    EXPECT_TRUE(o.Validate().ok()) << command;
  }
  o.command = "";
  ExpectRejected(o, "command");
}

TEST(ClientOptionsTest, RatesParse) {
  EXPECT_EQ(*ParseRate("5000"), 5000);
  EXPECT_EQ(*ParseRate("5000/s"), 5000);
  EXPECT_EQ(*ParseRate("2.5k/s"), 2500);
  EXPECT_FALSE(ParseRate("-1").ok());
  EXPECT_FALSE(ParseRate("fast").ok());
  // The range is checked on the rate, after k or M.
  EXPECT_EQ(*ParseRate("1.5M/s"), 1.5e6);
  EXPECT_EQ(*ParseRate("1000000k"), 1e9);
  EXPECT_FALSE(ParseRate("2000000k").ok());
  EXPECT_FALSE(ParseRate("5000M/s").ok());
}

TEST(ClientOptionsTest, SourceAddressListsAndRanges) {
  auto list = ParseSourceAddresses("127.0.0.1-127.0.0.4,127.0.1.9");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 5u);
  EXPECT_EQ((*list)[0].host(), "127.0.0.1");
  EXPECT_EQ((*list)[3].host(), "127.0.0.4");
  EXPECT_EQ((*list)[4].host(), "127.0.1.9");
  EXPECT_FALSE(ParseSourceAddresses("127.0.0.5-127.0.0.1").ok());
  EXPECT_FALSE(ParseSourceAddresses("127.0.0.1-banana").ok());
  EXPECT_TRUE(ParseSourceAddresses("")->empty());
}

}  // namespace
}  // namespace client
