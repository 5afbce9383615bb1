// Tests for HttpRequestParser: the case table parsed whole, byte by byte and at random split
// points.
#include "protocol/http_request_parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "protocol/testing/split_driver.h"
#include "tests/protocol/parser_cases.h"
#include "tests/protocol/split_check.h"

namespace protocol::testing {
namespace {

class HttpRequestTableTest : public ::testing::TestWithParam<ParserCase> {};

TEST_P(HttpRequestTableTest, SameResultsWholeAndSplit) {
  CheckAllSplits(GetParam(), [](std::string_view stream, const std::vector<size_t>& cuts) {
    return DriveHttpRequests(stream, cuts);
  });
}

INSTANTIATE_TEST_SUITE_P(Table, HttpRequestTableTest, ::testing::ValuesIn(HttpRequestCases()),
                         CaseName);

}  // namespace
}  // namespace protocol::testing
