// Tests for the logger and RateLimitedLog: the line format, level filtering, one line per period
// however many events, the suppressed count on the next line, and FlushAll for what is left.
#include "logging/rate_limited_log.h"

#include <regex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "logging/log.h"

namespace logging {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetMinLevel(Level::kInfo);
    SetSinkForTesting([this](std::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override { SetSinkForTesting(nullptr); }

  std::vector<std::string> lines_;
};

TEST_F(LogTest, LinesAreTimestampedAndLeveled) {
  Log(Level::kWarning, "accept: %s", "out of fds");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_TRUE(std::regex_match(
      lines_[0],
      std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARNING accept: out of fds\n)")))
      << lines_[0];
}

TEST_F(LogTest, LinesBelowTheLevelAreDropped) {
  SetMinLevel(Level::kWarning);
  Log(Level::kInfo, "hidden");
  Log(Level::kError, "shown");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("ERROR shown"), std::string::npos);
}

TEST_F(LogTest, ParseLevel) {
  Level level;
  EXPECT_TRUE(ParseLevel("Warning", &level));
  EXPECT_EQ(level, Level::kWarning);
  EXPECT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_FALSE(ParseLevel("verbose", &level));
}

TEST_F(LogTest, OneLinePerPeriodAndTheSuppressedCountOnTheNext) {
  absl::Time now = absl::FromUnixSeconds(1000);
  RateLimitedLog log(Level::kWarning, "refusals", absl::Seconds(1), [&] { return now; });
  int built = 0;
  for (int i = 0; i < 100; ++i) {
    log.Log([&] {
      ++built;
      return std::string("refused a connection");
    });
  }
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(built, 1);  // suppressed messages are never formatted
  now += absl::Milliseconds(999);
  log.Log([] { return std::string("refused a connection"); });
  EXPECT_EQ(lines_.size(), 1u);
  now += absl::Milliseconds(1);
  log.Log([] { return std::string("refused a connection"); });
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_NE(lines_[1].find("refused a connection (suppressed 100 since the last line)\n"),
            std::string::npos)
      << lines_[1];
}

TEST_F(LogTest, FlushAllReportsWhatIsStillSuppressed) {
  absl::Time now = absl::FromUnixSeconds(1000);
  RateLimitedLog log(Level::kWarning, "refusals", absl::Seconds(1), [&] { return now; });
  for (int i = 0; i < 5; ++i) log.Log([] { return std::string("refused"); });
  RateLimitedLog::FlushAll();
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_NE(lines_[1].find("WARNING refusals: suppressed 4 since the last line"), std::string::npos)
      << lines_[1];
  RateLimitedLog::FlushAll();  // nothing left to report
  EXPECT_EQ(lines_.size(), 2u);
}

TEST_F(LogTest, DisabledLevelNeitherLogsNorCounts) {
  SetMinLevel(Level::kError);
  absl::Time now = absl::FromUnixSeconds(1000);
  RateLimitedLog log(Level::kWarning, "refusals", absl::Seconds(1), [&] { return now; });
  for (int i = 0; i < 5; ++i) log.Log([] { return std::string("refused"); });
  RateLimitedLog::FlushAll();
  EXPECT_TRUE(lines_.empty());
}

}  // namespace
}  // namespace logging
