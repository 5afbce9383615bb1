// RESP request cases, including those of Redis's tests/unit/protocol.tcl.
#include <string>
#include <vector>

#include "tests/protocol/parser_cases.h"

namespace protocol::testing {

const std::vector<ParserCase>& RespRequestCases() {
  using namespace std::string_literals;
  static const auto* const kCases = new std::vector<ParserCase>{
      // Inline commands.
      {"inline_ping", "PING\r\n", {"[\"PING\"] 6"}},
      {"inline_bare_lf", "PING\n", {"[\"PING\"] 5"}},
      {"inline_blanks", "  ECHO \t hello  world \r\n", {"[\"ECHO\" \"hello\" \"world\"] 24"}},
      {"inline_pipelined",
       "PING\r\nECHO a\r\nPING\n",
       {"[\"PING\"] 6", "[\"ECHO\" \"a\"] 8", "[\"PING\"] 5"}},
      {"inline_incomplete", "PING\r", {"pending 5"}},
      {"inline_double_quotes", "SET \"a b\" 'c d'\r\n", {"[\"SET\" \"a b\" \"c d\"] 17"}},
      {"inline_escapes", "ECHO \"\\x41\\n\\t\\\\\\\"\"\r\n", {"[\"ECHO\" \"A\\n\\t\\\\\\\"\"] 21"}},
      {"inline_single_quote_escape", "ECHO 'it\\'s'\r\n", {"[\"ECHO\" \"it's\"] 14"}},
      {"inline_quote_inside_token", "ECHO a\"b c\"\r\n", {"[\"ECHO\" \"ab c\"] 13"}},
      {"inline_empty_quotes", "ECHO \"\"\r\n", {"[\"ECHO\" \"\"] 9"}},
      {"inline_nul_ends_line", "ECHO a\0b c\r\nPING\r\n"s, {"[\"ECHO\" \"a\"] 12", "[\"PING\"] 6"}},
      {"inline_cr_inside_line", "ECHO a\rb\r\n", {"[\"ECHO\" \"a\" \"b\"] 10"}},
      {"inline_at_limit",
       std::string(65536, 'a') + "\n",
       {"[\"aaaaaaaaaaaaaaaaaaaaaaaa...(65536 bytes)...aaaaaaaaaaaaaaaaaaaaaaaa\"] 65537"}},
      {"inline_over_limit", std::string(65537, 'a') + "\n", {"error: too big inline request"}},
      {"unbalanced_quotes_redis",
       "set \"\"\"test-key\"\"\" test-value\r\nping\r\n",
       {"error: unbalanced quotes in request"}},
      {"unterminated_quotes", "ECHO \"abc\r\n", {"error: unbalanced quotes in request"}},
      {"closing_quote_then_text", "ECHO \"a\"b\r\n", {"error: unbalanced quotes in request"}},
      {"unterminated_single_quote", "ECHO 'abc\n", {"error: unbalanced quotes in request"}},
      // protocol.tcl: "Handle an empty query".
      {"empty_query", "\r\nPING\r\n", {"[] 2", "[\"PING\"] 6"}},
      {"blank_inline_line", "   \nPING\r\n", {"[] 4", "[\"PING\"] 6"}},
      // Multibulk arrays.
      {"multibulk_ping", "*1\r\n$4\r\nPING\r\n", {"[\"PING\"] 14"}},
      {"multibulk_pipelined",
       "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n",
       {"[\"PING\"] 14", "[\"ECHO\" \"hello\"] 25"}},
      {"multibulk_binary", "*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n", {"[\"ECHO\" \"a\\r\\nb\"] 24"}},
      {"multibulk_empty_bulk", "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", {"[\"ECHO\" \"\"] 20"}},
      {"multibulk_zero", "*0\r\nPING\r\n", {"[] 4", "[\"PING\"] 6"}},
      {"multibulk_minus_one", "*-1\r\n", {"[] 5"}},
      // protocol.tcl: "Negative multibulk length".
      {"negative_multibulk_length", "*-10\r\nPING\r\n", {"[] 6", "[\"PING\"] 6"}},
      {"bulk_terminator_unchecked",
       "*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n",
       {"[\"PING\"] 14", "[\"PING\"] 14"}},
      {"multibulk_incomplete_header", "*1\r", {"pending 3"}},
      {"multibulk_incomplete_bulk", "*2\r\n$4\r\nECHO\r\n$5\r\nhel", {"pending 21"}},
      {"multibulk_count_at_limit", "*1048576\r\n", {"pending 10"}},
      {"multibulk_count_over_limit", "*1048577\r\n", {"error: invalid multibulk length"}},
      // protocol.tcl: "Out of range multibulk length".
      {"out_of_range_multibulk_length", "*3000000000\r\n", {"error: invalid multibulk length"}},
      {"out_of_range_multibulk_length_2", "*20000000\r\n", {"error: invalid multibulk length"}},
      {"multibulk_leading_zero", "*01\r\n", {"error: invalid multibulk length"}},
      {"multibulk_plus_sign", "*+1\r\n", {"error: invalid multibulk length"}},
      {"multibulk_not_a_number", "*x\r\n", {"error: invalid multibulk length"}},
      {"multibulk_bare_lf_count", "*1\n$4\r\nPING\r\n", {"error: invalid multibulk length"}},
      // protocol.tcl: "Wrong multibulk payload header".
      {"wrong_multibulk_payload_header",
       "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
       {"error: expected '$', got 'f'"}},
      // protocol.tcl: "Multi bulk request not followed by bulk arguments".
      {"multibulk_not_followed_by_bulk", "*1\r\nfoo\r\n", {"error: expected '$', got 'f'"}},
      // protocol.tcl: "Negative multibulk payload length".
      {"negative_bulk_length",
       "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n",
       {"error: invalid bulk length"}},
      // protocol.tcl: "Out of range multibulk payload length".
      {"out_of_range_bulk_length",
       "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n",
       {"error: invalid bulk length"}},
      // protocol.tcl: "Non-number multibulk payload length".
      {"non_number_bulk_length",
       "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n",
       {"error: invalid bulk length"}},
      {"bulk_length_at_limit", "*1\r\n$536870912\r\n", {"pending 16"}},
      {"bulk_length_over_limit", "*1\r\n$536870913\r\n", {"error: invalid bulk length"}},
      {"bulk_length_leading_zero", "*1\r\n$04\r\nPING\r\n", {"error: invalid bulk length"}},
      // protocol.tcl: "Protocol desync regression test": a NUL, then bytes without a newline.
      {"desync_nul", "\0"s + std::string(70000, 'x'), {"error: too big inline request"}},
      {"desync_star_nul", "*\0"s + std::string(70000, 'x'), {"error: too big mbulk count string"}},
      {"desync_dollar_nul", "$\0"s + std::string(70000, 'x'), {"error: too big inline request"}},
      {"too_big_bulk_count",
       "*1\r\n" + std::string(70000, 'x'),
       {"error: too big bulk count string"}},
      {"mbulk_count_line_over_limit",
       "*" + std::string(65536, '1') + "\r\n",
       {"error: too big mbulk count string"}},
  };
  return *kCases;
}

}  // namespace protocol::testing
