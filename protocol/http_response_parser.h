// HttpResponseParser: frames the HTTP/1.x responses a server sends (status line, headers,
// Content-Length, chunked or close-delimited bodies), for the load client to count and verify.
#ifndef PROTOCOL_HTTP_RESPONSE_PARSER_H_
#define PROTOCOL_HTTP_RESPONSE_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/http_common.h"
#include "protocol/line_scanner.h"
#include "protocol/parse_status.h"

namespace protocol {

// An incremental HTTP/1.x response parser. The client never sends HEAD, so every response other
// than 1xx, 204 and 304 is taken to carry a body framed by its headers.
//
//   HttpResponseParser parser;
//   const HttpResponseParser::Result r = parser.Parse(input);
//   if (r.status == ParseStatus::kComplete) {
//     Count(r.status_code);
//     input.remove_prefix(r.consumed);
//   }
//   // At EOF, parser.Finish(input) completes a body that runs until the connection closes.
//
// Same contract as the other parsers: the whole unconsumed input on every call, growing only at
// the back until a response completes; progress is kept as offsets.
class HttpResponseParser {
 public:
  struct Options {
    size_t max_status_line_bytes = 8 * 1024;
    size_t max_header_bytes = 64 * 1024;
    uint64_t max_body_bytes = 1024ULL * 1024 * 1024;
  };

  struct Result {
    ParseStatus status = ParseStatus::kIncomplete;
    size_t consumed = 0;      // kComplete: bytes of the whole response
    int status_code = 0;      // 100..999
    int version_minor = 1;    // 0 for HTTP/1.0, 1 for HTTP/1.1
    bool keep_alive = false;  // whether the server will carry another response on the connection
    bool chunked = false;
    // Content-Length and close-delimited bodies: the body, a view into the input. Chunked: empty
    // (the chunks are not contiguous); body_bytes still counts them.
    std::string_view body;
    uint64_t body_bytes = 0;
    std::string_view error;  // kError: what was wrong
  };

  HttpResponseParser() : HttpResponseParser(Options{}) {}
  explicit HttpResponseParser(const Options& options) : options_(options) {}

  Result Parse(std::string_view input);
  // The peer closed the connection and `input` is all that is left. Completes a response whose
  // body runs to the close; anything else unfinished is an error ("truncated response"), and
  // empty input is kIncomplete (a clean close between responses).
  Result Finish(std::string_view input);
  void Reset();

 private:
  enum class State { kStatusLine, kHeaders, kBody, kChunked, kUntilClose };

  Result Error(std::string_view message);
  Result Complete(std::string_view input, size_t body_begin, uint64_t body_length);

  Options options_;
  State state_ = State::kStatusLine;
  size_t pos_ = 0;
  LineScanner lines_;  // where the search for the "\n" of the line at pos_ stopped
  size_t header_start_ = 0;
  int status_code_ = 0;
  int version_minor_ = 1;
  http_internal::Framing framing_;
  http_internal::ChunkedDecoder chunked_decoder_;
};

}  // namespace protocol

#endif  // PROTOCOL_HTTP_RESPONSE_PARSER_H_
