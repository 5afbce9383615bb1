// The parser test tables: byte streams and what a parser must make of them, shared by the table
// tests (which parse each whole, byte by byte and at random split points) and the fuzzers' seed
// corpora.
#ifndef TESTS_PROTOCOL_PARSER_CASES_H_
#define TESTS_PROTOCOL_PARSER_CASES_H_

#include <string>
#include <vector>

namespace protocol::testing {

struct ParserCase {
  std::string name;   // a test name: letters, digits and underscores
  std::string input;  // the byte stream, as a connection would deliver it
  // The split driver's description of each result (see protocol/testing/split_driver.h).
  std::vector<std::string> expected;
};

const std::vector<ParserCase>& RespRequestCases();
const std::vector<ParserCase>& RespReplyCases();
const std::vector<ParserCase>& HttpRequestCases();
const std::vector<ParserCase>& HttpResponseCases();

}  // namespace protocol::testing

#endif  // TESTS_PROTOCOL_PARSER_CASES_H_
