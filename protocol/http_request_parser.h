// HttpRequestParser: frames HTTP/1.0 and HTTP/1.1 requests (request line, headers, bodies read and
// discarded) and decides keep-alive, for the server's HTTP session.
#ifndef PROTOCOL_HTTP_REQUEST_PARSER_H_
#define PROTOCOL_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/http_common.h"
#include "protocol/line_scanner.h"
#include "protocol/parse_status.h"

namespace protocol {

// The methods the parser recognises. Any other well-formed method is a 501 error. The server
// answers GET and HEAD; the others are parsed (their bodies framed and skipped) so a session can
// answer them (405) and keep the connection.
enum class HttpMethod { kGet, kHead, kPost, kPut, kDelete, kOptions };

std::string_view HttpMethodName(HttpMethod method);

// An incremental HTTP/1.x request parser.
//
//   HttpRequestParser parser;
//   const HttpRequestParser::Result r = parser.Parse(input);
//   switch (r.status) {
//     case ParseStatus::kComplete:  // answer r.method and r.target (keep-alive: r.keep_alive)
//       input.remove_prefix(r.consumed);
//       break;
//     case ParseStatus::kIncomplete:  // call again once more bytes have arrived
//       break;
//     case ParseStatus::kError:  // answer r.error_status with Connection: close, then close
//       break;
//   }
//
// Contract: each call gets the whole unconsumed input, which only grows at the back until a
// request completes. Progress is kept as offsets, so headers are searched once and bodies are
// counted, not rescanned.
//
// Choices (RFC 9112 where it gives one):
//  - Bare LF line endings are accepted (RFC 9112 2.2 allows it; nginx does); a CR not followed by
//    LF is a 400.
//  - Empty lines before the request line are skipped (RFC 9112 2.2), counted against the request
//    line limit.
//  - obs-fold (a field line starting with whitespace), whitespace before a colon, control
//    characters (NUL included) anywhere: 400.
//  - HTTP/1.1 without exactly one Host: 400. A version other than 1.x: 505; 1.x above 1.1 is
//    treated as 1.1.
//  - Content-Length and Transfer-Encoding together: 400 (request smuggling). Content-Length
//    repeated with a different value, negative or not a number: 400. Transfer-Encoding other
//    than "chunked": 501 if chunked is last, 400 otherwise; in HTTP/1.0: 400.
//  - Chunk-size over 64 bits: 400. Bodies over max_body_bytes: 413.
// Limits: the request line (with any empty lines before it and its line ending) over
// max_request_line_bytes: 414. The header section (field lines and the final empty line) over
// max_header_bytes: 431.
class HttpRequestParser {
 public:
  struct Options {
    size_t max_request_line_bytes = 8 * 1024;
    size_t max_header_bytes = 32 * 1024;
    uint64_t max_body_bytes = 1024 * 1024;
  };

  struct Result {
    ParseStatus status = ParseStatus::kIncomplete;
    size_t consumed = 0;  // kComplete: bytes of the whole request, body included
    HttpMethod method = HttpMethod::kGet;
    std::string_view target;  // the request-target, a view into the input
    int version_minor = 1;    // 0 for HTTP/1.0, 1 for HTTP/1.1
    bool keep_alive = false;  // whether the connection may carry another request after this one
    bool chunked = false;
    uint64_t body_bytes = 0;  // body length (decoded, for chunked), discarded
    int error_status = 0;     // kError: 400, 413, 414, 431, 501 or 505
    std::string_view error;   // kError: a short reason, for logs and tests
  };

  HttpRequestParser() : HttpRequestParser(Options{}) {}
  explicit HttpRequestParser(const Options& options) : options_(options) {}

  Result Parse(std::string_view input);
  void Reset();

 private:
  enum class State { kRequestLine, kHeaders, kBody, kChunked };

  Result Error(int status, std::string_view message);
  Result Complete(std::string_view input);
  // Parses the request line [line_start, line_end); returns 0 or an error status.
  int ParseRequestLine(std::string_view line, std::string_view* error);
  // Applies one header field; returns 0 or an error status.
  int ApplyField(std::string_view name, std::string_view value, std::string_view* error);
  // Decides framing and keep-alive once the headers are complete; returns 0 or an error status.
  int FinishHeaders(std::string_view* error);

  Options options_;
  State state_ = State::kRequestLine;
  size_t pos_ = 0;     // start of the next unparsed line, or of the body
  LineScanner lines_;  // where the search for the "\n" of the line at pos_ stopped
  size_t header_start_ = 0;
  // What the request line and headers said so far.
  HttpMethod method_ = HttpMethod::kGet;
  size_t target_begin_ = 0;
  size_t target_length_ = 0;
  int version_minor_ = 1;
  http_internal::Framing framing_;
  int host_count_ = 0;
  http_internal::ChunkedDecoder chunked_decoder_;
};

}  // namespace protocol

#endif  // PROTOCOL_HTTP_REQUEST_PARSER_H_
