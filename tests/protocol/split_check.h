// CheckAllSplits: the property every parser table test asserts, that a stream parses to the same
// results whole, byte by byte and at random split points.
#ifndef TESTS_PROTOCOL_SPLIT_CHECK_H_
#define TESTS_PROTOCOL_SPLIT_CHECK_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "protocol/testing/split_driver.h"
#include "tests/protocol/parser_cases.h"

namespace protocol::testing {

// `drive(stream, cuts)` returns the split driver's descriptions.
template <typename Drive>
void CheckAllSplits(const ParserCase& c, Drive drive) {
  const std::vector<std::string> whole = drive(c.input, NoCuts());
  EXPECT_EQ(whole, c.expected) << "whole";
  // Byte by byte is quadratic in the driver (it copies its buffer at every cut): skip it for the
  // few large cases, which random splits still cover.
  if (c.input.size() <= 20000) {
    EXPECT_EQ(drive(c.input, ByteByByteCuts(c.input.size())), whole) << "byte by byte";
  }
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    ASSERT_EQ(drive(c.input, RandomCuts(c.input.size(), seed)), whole) << "seed " << seed;
  }
}

inline std::string CaseName(const ::testing::TestParamInfo<ParserCase>& info) {
  return info.param.name;
}

}  // namespace protocol::testing

#endif  // TESTS_PROTOCOL_SPLIT_CHECK_H_
