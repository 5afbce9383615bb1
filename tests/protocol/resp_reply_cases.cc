// RESP reply cases: every RESP2 type, nesting, pipelining and malformed replies.
#include <string>
#include <vector>

#include "tests/protocol/parser_cases.h"

namespace protocol::testing {
namespace {

std::string Repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out.append(piece);
  return out;
}

}  // namespace

const std::vector<ParserCase>& RespReplyCases() {
  static const auto* const kCases = new std::vector<ParserCase>{
      {"simple_string", "+PONG\r\n", {"simple \"PONG\" 7"}},
      {"empty_simple_string", "+\r\n", {"simple \"\" 3"}},
      {"error_reply", "-ERR unknown command 'x'\r\n", {"error \"ERR unknown command 'x'\" 26"}},
      {"integer", ":1000\r\n", {"integer \"1000\" 1000 7"}},
      {"negative_integer", ":-5\r\n", {"integer \"-5\" -5 5"}},
      {"bulk", "$5\r\nhello\r\n", {"bulk \"hello\" 11"}},
      {"bulk_binary", "$4\r\na\r\nb\r\n", {"bulk \"a\\r\\nb\" 10"}},
      {"empty_bulk", "$0\r\n\r\n", {"bulk \"\" 6"}},
      {"null_bulk", "$-1\r\n", {"null-bulk \"\" 5"}},
      {"null_array", "*-1\r\n", {"null-array \"\" 5"}},
      {"empty_array", "*0\r\n", {"array \"\" 0 4"}},
      {"array", "*2\r\n$3\r\nfoo\r\n:1\r\n", {"array \"$3\\r\\nfoo\\r\\n:1\\r\\n\" 2 17"}},
      {"nested_array", "*2\r\n*1\r\n+a\r\n*0\r\n", {"array \"*1\\r\\n+a\\r\\n*0\\r\\n\" 2 16"}},
      {"array_with_nulls", "*2\r\n$-1\r\n*-1\r\n", {"array \"$-1\\r\\n*-1\\r\\n\" 2 14"}},
      {"pipelined",
       "+PONG\r\n+PONG\r\n$1\r\nx\r\n",
       {"simple \"PONG\" 7", "simple \"PONG\" 7", "bulk \"x\" 7"}},
      {"config_get_reply",
       "*4\r\n$4\r\nsave\r\n$0\r\n\r\n$10\r\nappendonly\r\n$2\r\nno\r\n",
       {"array \"$4\\r\\nsave\\r\\n$0\\r\\n\\r\\n$10\\r\\nappendonly\\r\\n$2\\r\\nno\\r\\n\" 4 "
        "45"}},
      {"incomplete_array", "*2\r\n:1\r\n", {"pending 8"}},
      {"incomplete_bulk", "$5\r\nhel", {"pending 7"}},
      {"incomplete_line", "+PON", {"pending 4"}},
      {"bulk_without_crlf", "$5\r\nhelloXY", {"error: bulk data not followed by CRLF"}},
      {"unknown_type", "!oops\r\n", {"error: unknown reply type '!'"}},
      {"bad_integer", ":12a\r\n", {"error: invalid integer"}},
      {"cr_without_lf", "+OK\rX", {"error: CR not followed by LF"}},
      {"bad_bulk_length", "$-2\r\n", {"error: invalid bulk length"}},
      {"bad_array_length", "*-2\r\n", {"error: invalid multibulk length"}},
      {"line_too_long", "+" + std::string(70000, 'x'), {"error: line too long"}},
      {"nested_too_deep", Repeat("*1\r\n", 65) + ":1\r\n", {"error: arrays nested too deep"}},
      {"nested_at_limit",
       Repeat("*1\r\n", 64) + ":1\r\n",
       {"array \"*1\\r\\n*1\\r\\n*1\\r\\n*1\\r\\n*1\\r\\n*1\\r\\n...(256 "
        "bytes)...*1\\r\\n*1\\r\\n*1\\r\\n*1\\r\\n*1\\r\\n:1"
        "\\r\\n\" 1 260"}},
  };
  return *kCases;
}

}  // namespace protocol::testing
