// HTTP/1.x syntax shared by the request and response parsers: line endings, header field syntax,
// framing headers and the chunked body decoder.
#ifndef PROTOCOL_HTTP_COMMON_H_
#define PROTOCOL_HTTP_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/ascii.h"
#include "protocol/line_scanner.h"
#include "protocol/parse_status.h"

namespace protocol::http_internal {

using protocol::EqualsIgnoreCase;

// tchar from RFC 9110 5.6.2: the characters of methods and field names.
bool IsTokenChar(char c);
bool IsToken(std::string_view text);

// The line [line_start, lf) (lf as found by a LineScanner) without a final "\r". Bare LF endings
// are accepted (RFC 9112 2.2 allows it, nginx does it); a CR anywhere else is refused: returns
// false.
bool LineContent(std::string_view input, size_t line_start, size_t lf, std::string_view* content);

// Splits a field line into name and value with optional whitespace trimmed. Returns false for
// anything RFC 9112 says to refuse: no colon, a bad name, whitespace before the colon, a line
// starting with whitespace (obs-fold), control characters (NUL included) in the value.
bool ParseFieldLine(std::string_view line, std::string_view* name, std::string_view* value);

// Content-Length: 1*DIGIT, at most 18 digits (larger is treated as malformed). nullopt otherwise:
// a sign, a list ("5, 5"), an empty value.
std::optional<uint64_t> ParseContentLength(std::string_view value);

enum class TransferCoding {
  kChunked,      // exactly "chunked"
  kUnsupported,  // ends in chunked but names other codings too: 501
  kMalformed,    // chunked is not the final coding, so the length is unknowable: 400
};
TransferCoding ClassifyTransferEncoding(std::string_view value);

// The tokens of a Connection header that decide keep-alive.
struct ConnectionOptions {
  bool close = false;
  bool keep_alive = false;
};
void ScanConnectionHeader(std::string_view value, ConnectionOptions* options);

// Decodes (and discards) a chunked body, resumably: it keeps its place between calls as an
// offset into the caller's message.
class ChunkedDecoder {
 public:
  struct Limits {
    uint64_t max_body_bytes = UINT64_MAX;
    size_t max_trailer_bytes = 32 * 1024;
  };

  void Reset() { *this = ChunkedDecoder(); }

  // Advances *pos (an offset into `input`, just past the headers at first) through chunks and
  // trailers. kComplete leaves *pos after the final empty line. kError sets *error_status: 400
  // (malformed, chunk-size overflow) or 413 (over max_body_bytes).
  ParseStatus Decode(std::string_view input, const Limits& limits, size_t* pos, int* error_status,
                     std::string_view* error);

  uint64_t body_bytes() const { return body_bytes_; }

 private:
  enum class State { kSize, kData, kDataEnd, kTrailer };
  State state_ = State::kSize;
  uint64_t chunk_left_ = 0;
  uint64_t body_bytes_ = 0;
  LineScanner lines_;
  size_t trailer_start_ = 0;
};

}  // namespace protocol::http_internal

#endif  // PROTOCOL_HTTP_COMMON_H_
