// Tests for EchoSession: output equals input, all consumed, never closes.
#include "server/echo_session.h"

#include "gtest/gtest.h"
#include "tests/server/session_driver.h"

namespace server {
namespace {

TEST(EchoSessionTest, ReturnsInputAndConsumesAll) {
  EchoFactory factory;
  testing::SessionDriver driver(factory.NewSession());
  EXPECT_EQ(driver.Feed("hello"), "hello");
  EXPECT_EQ(driver.Feed(std::string("a\0b", 3)), std::string("a\0b", 3));
  EXPECT_EQ(driver.pending(), 0u);
  EXPECT_FALSE(driver.closed());
  EXPECT_TRUE(factory.RejectionMessage().empty());
}

}  // namespace
}  // namespace server
