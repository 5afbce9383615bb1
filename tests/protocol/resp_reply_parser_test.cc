// Tests for RespReplyParser: the case table parsed whole, byte by byte and at random split points.
#include "protocol/resp_reply_parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "protocol/testing/split_driver.h"
#include "tests/protocol/parser_cases.h"
#include "tests/protocol/split_check.h"

namespace protocol::testing {
namespace {

class RespReplyTableTest : public ::testing::TestWithParam<ParserCase> {};

TEST_P(RespReplyTableTest, SameResultsWholeAndSplit) {
  CheckAllSplits(GetParam(), [](std::string_view stream, const std::vector<size_t>& cuts) {
    return DriveRespReplies(stream, cuts);
  });
}

INSTANTIATE_TEST_SUITE_P(Table, RespReplyTableTest, ::testing::ValuesIn(RespReplyCases()),
                         CaseName);

}  // namespace
}  // namespace protocol::testing
