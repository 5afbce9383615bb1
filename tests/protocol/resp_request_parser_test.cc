// Tests for RespRequestParser: the case table parsed whole and split, plus limits and cost.
#include "protocol/resp_request_parser.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "protocol/testing/split_driver.h"
#include "tests/protocol/parser_cases.h"
#include "tests/protocol/split_check.h"

namespace protocol::testing {
namespace {

class RespRequestTableTest : public ::testing::TestWithParam<ParserCase> {};

TEST_P(RespRequestTableTest, SameResultsWholeAndSplit) {
  CheckAllSplits(GetParam(), [](std::string_view stream, const std::vector<size_t>& cuts) {
    return DriveRespRequests(stream, cuts);
  });
}

INSTANTIATE_TEST_SUITE_P(Table, RespRequestTableTest, ::testing::ValuesIn(RespRequestCases()),
                         CaseName);

// Feeds `stream` to a fresh parser `piece` bytes at a time, as a connection would, until the
// request completes; returns the bytes the parser searched for line ends.
size_t BytesExaminedInPieces(const std::string& stream, size_t piece,
                             const RespRequestParser::Options& options) {
  RespRequestParser parser(options);
  for (size_t end = piece;; end += piece) {
    end = std::min(end, stream.size());
    const RespRequestParser::Result result = parser.Parse(std::string_view(stream).substr(0, end));
    if (result.status != ParseStatus::kIncomplete || end == stream.size()) {
      EXPECT_EQ(result.status, ParseStatus::kComplete);
      EXPECT_EQ(result.consumed, stream.size());
      break;
    }
  }
  return parser.bytes_examined();
}

// A long line arriving in pieces is searched once: 8 times the line, 8 times the work (a parser
// that searched it again from its start at every piece would do 64 times the work).
TEST(RespRequestParserTest, LongLineInPiecesIsSearchedOnce) {
  RespRequestParser::Options options;
  options.max_inline_bytes = 16 << 20;
  auto inline_echo = [](size_t bytes) { return "ECHO " + std::string(bytes, 'x') + "\r\n"; };
  const size_t one_mib = BytesExaminedInPieces(inline_echo(1 << 20), 4096, options);
  const size_t eight_mib = BytesExaminedInPieces(inline_echo(8 << 20), 4096, options);
  EXPECT_GE(one_mib, 1u << 20);  // the count is real: the line was searched
  EXPECT_LE(one_mib, (1u << 20) + 16) << "bytes searched more than once";
  EXPECT_LT(eight_mib, 10 * one_mib);
}

TEST(RespRequestParserTest, LargeBulkInPiecesIsLinear) {
  // 64 MiB arriving 64 KiB at a time: 1024 calls. Only the lines before the bulk are searched;
  // its data is counted, never scanned, however often it is shown again.
  const size_t kBulk = 64 << 20;
  std::string header = "*2\r\n$4\r\nECHO\r\n$" + std::to_string(kBulk) + "\r\n";
  std::string stream = header + std::string(kBulk, 'x') + "\r\n";
  RespRequestParser parser;
  size_t calls = 0;
  RespRequestParser::Result result;
  for (size_t end = 64 * 1024;; end += 64 * 1024) {
    end = std::min(end, stream.size());
    result = parser.Parse(std::string_view(stream).substr(0, end));
    ++calls;
    if (result.status != ParseStatus::kIncomplete || end == stream.size()) break;
  }
  ASSERT_EQ(result.status, ParseStatus::kComplete);
  EXPECT_EQ(result.consumed, stream.size());
  ASSERT_EQ(result.argv.size(), 2u);
  EXPECT_EQ(result.argv[1].size(), kBulk);
  EXPECT_EQ(result.argv[1].data(), stream.data() + header.size());  // a view, not a copy
  EXPECT_GT(calls, 1000u);
  EXPECT_LE(parser.bytes_examined(), header.size()) << "the bulk's data was searched";
}

// A request with a million arguments needs their slots while it is parsed, and never again: once
// it has been handled, the parser holds what an ordinary request needs, however large its last
// one was (Redis frees argv after each command).
TEST(RespRequestParserTest, MemoryOfAHugeRequestIsReleasedOnceHandled) {
  RespRequestParser parser;
  ASSERT_EQ(parser.Parse("*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n").status, ParseStatus::kComplete);
  parser.ReleaseArguments();
  const size_t ordinary = parser.memory_bytes();

  constexpr int kArguments = 1000000;
  std::string huge = "*" + std::to_string(kArguments) + "\r\n";
  for (int i = 0; i < kArguments; ++i) huge += "$0\r\n\r\n";
  // Announcing a million arguments reserves no more than the cap before they arrive.
  ASSERT_EQ(parser.Parse(std::string_view(huge).substr(0, 20)).status, ParseStatus::kIncomplete);
  EXPECT_LE(parser.memory_bytes(), ordinary + 64 * RespRequestParser::kRetainedArguments);
  const RespRequestParser::Result result = parser.Parse(huge);
  ASSERT_EQ(result.status, ParseStatus::kComplete);
  ASSERT_EQ(result.argv.size(), static_cast<size_t>(kArguments));
  EXPECT_GE(parser.memory_bytes(), kArguments * sizeof(std::string_view));  // counted while held
  parser.ReleaseArguments();
  EXPECT_LE(parser.memory_bytes(), ordinary + 64 * RespRequestParser::kRetainedArguments);
  EXPECT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n").argv.size(), 1u);
}

TEST(RespRequestParserTest, ConfigurableBulkLimit) {
  RespRequestParser::Options options;
  options.max_bulk_bytes = 4;
  EXPECT_EQ(DriveRespRequests("*1\r\n$4\r\nPING\r\n", NoCuts(), options),
            std::vector<std::string>{"[\"PING\"] 14"});
  EXPECT_EQ(DriveRespRequests("*1\r\n$5\r\nPINGS\r\n", NoCuts(), options),
            std::vector<std::string>{"error: invalid bulk length"});
}

TEST(RespRequestParserTest, ArgvViewsPointIntoInput) {
  RespRequestParser parser;
  const std::string input = "*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n";
  auto result = parser.Parse(input);
  ASSERT_EQ(result.status, ParseStatus::kComplete);
  ASSERT_EQ(result.argv.size(), 2u);
  EXPECT_EQ(result.argv[0].data(), input.data() + 8);
  EXPECT_EQ(result.argv[1].data(), input.data() + 18);
}

TEST(RespRequestParserTest, EmptyInputIsIncomplete) {
  RespRequestParser parser;
  EXPECT_EQ(parser.Parse("").status, ParseStatus::kIncomplete);
}

}  // namespace
}  // namespace protocol::testing
