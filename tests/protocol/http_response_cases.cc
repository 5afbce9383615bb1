// HTTP response cases: the framings the load client meets from nginx and from our server.
#include <string>
#include <vector>

#include "tests/protocol/parser_cases.h"

namespace protocol::testing {

const std::vector<ParserCase>& HttpResponseCases() {
  static const auto* const kCases = new std::vector<ParserCase>{
      {"content_length",
       "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
       {"200 1.1 keep-alive body=5 \"hello\" 43"}},
      {"no_reason",
       "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
       {"200 1.1 keep-alive body=0 \"\" 35"}},
      {"empty_reason",
       "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n",
       {"404 1.1 keep-alive body=0 \"\" 36"}},
      {"connection_close",
       "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno",
       {"503 1.1 close body=2 \"no\" 61"}},
      {"http_1_0_keep_alive",
       "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
       {"200 1.0 keep-alive body=1 \"x\" 63"}},
      {"chunked",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;a=b\r\n!\r\n0\r\n\r\n",
       {"200 1.1 keep-alive chunked body=6 \"\" 72"}},
      {"pipelined",
       "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb",
       {"200 1.1 keep-alive body=1 \"a\" 39", "200 1.1 keep-alive body=1 \"b\" 39"}},
      {"no_content", "HTTP/1.1 204 No Content\r\n\r\n", {"204 1.1 keep-alive body=0 \"\" 27"}},
      {"not_modified_ignores_length",
       "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
       {"304 1.1 keep-alive body=0 \"\" 49"}},
      {"continue_then_ok",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
       {"100 1.1 keep-alive body=0 \"\" 25", "200 1.1 keep-alive body=0 \"\" 38"}},
      {"until_close",
       "HTTP/1.0 200 OK\r\n\r\nhello",
       {"at close: 200 1.0 close body=5 \"hello\" 24"}},
      {"bare_lf",
       "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
       {"200 1.1 keep-alive body=2 \"ok\" 37"}},
      {"incomplete_body",
       "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
       {"at close: error: truncated response", "pending 41"}},
      {"malformed_status", "HTTP/1.1 20 OK\r\n\r\n", {"error: malformed status line"}},
      {"http_2_status", "HTTP/2 200 OK\r\n\r\n", {"error: malformed status line"}},
      {"status_leading_zero", "HTTP/1.1 099 X\r\n\r\n", {"error: malformed status line"}},
      {"length_and_chunked",
       "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
       {"error: both Content-Length and Transfer-Encoding"}},
      {"bad_chunk",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
       {"error: malformed chunk-size"}},
      {"conflicting_length",
       "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
       {"error: conflicting Content-Length"}},
      {"obs_fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", {"error: malformed header field"}},
      // RFC 9112 6.3 lets such a response run to the close; the client does not take it.
      {"coding_not_chunked",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz",
       {"error: chunked is not the final transfer coding"}},
      {"coding_before_chunked",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
       {"error: unsupported transfer coding"}},
      {"connection_token_list",
       "HTTP/1.0 200 OK\r\nConnection: foo, Keep-Alive\r\nContent-Length: 0\r\n\r\n",
       {"200 1.0 keep-alive body=0 \"\" 67"}},
  };
  return *kCases;
}

}  // namespace protocol::testing
