// Tests for HttpResponseParser: the case table parsed whole, byte by byte and at random split
// points.
#include "protocol/http_response_parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "protocol/testing/split_driver.h"
#include "tests/protocol/parser_cases.h"
#include "tests/protocol/split_check.h"

namespace protocol::testing {
namespace {

class HttpResponseTableTest : public ::testing::TestWithParam<ParserCase> {};

TEST_P(HttpResponseTableTest, SameResultsWholeAndSplit) {
  CheckAllSplits(GetParam(), [](std::string_view stream, const std::vector<size_t>& cuts) {
    return DriveHttpResponses(stream, cuts);
  });
}

INSTANTIATE_TEST_SUITE_P(Table, HttpResponseTableTest, ::testing::ValuesIn(HttpResponseCases()),
                         CaseName);

}  // namespace
}  // namespace protocol::testing
