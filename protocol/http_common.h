// HTTP/1.x syntax shared by the request and response parsers: line endings, header field syntax,
// framing headers and the chunked body decoder.
#ifndef PROTOCOL_HTTP_COMMON_H_
#define PROTOCOL_HTTP_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/ascii.h"
#include "protocol/line_scanner.h"
#include "protocol/parse_status.h"

namespace protocol::http_internal {

using protocol::EqualsIgnoreCase;

// A token (RFC 9110 5.6.2): one or more tchar, the characters of methods and field names.
bool IsToken(std::string_view text);

// The line [line_start, lf) (lf as found by a LineScanner) without a final "\r". Bare LF endings
// are accepted (RFC 9112 2.2 allows it, nginx does it); a CR anywhere else is refused: returns
// false.
bool LineContent(std::string_view input, size_t line_start, size_t lf, std::string_view* content);

// One line of a header or trailer section, as read by ReadFieldLine.
struct FieldLine {
  ParseStatus status = ParseStatus::kIncomplete;
  bool end_of_section = false;  // kComplete: the empty line that ends the section
  std::string_view name;        // kComplete, not the end: the field, whitespace trimmed
  std::string_view value;
  int error_status = 0;  // kError: 400, or 431 over the section's budget
  std::string_view error;
};

// Which section ReadFieldLine reads; only its error wording differs.
enum class Section { kHeader, kTrailer };

// Reads the field line at *pos of a section that started at `section_start` and may take
// `max_section_bytes` in all, its empty last line included; on kComplete, advances *pos past the
// line. `lines` is the caller's, for resuming. Refuses what RFC 9112 says to refuse: a CR not
// ending the line, no colon, a bad name, whitespace before the colon, obs-fold (a line starting
// with whitespace), control characters (NUL included) in the value.
FieldLine ReadFieldLine(std::string_view input, size_t section_start, size_t max_section_bytes,
                        Section section, LineScanner* lines, size_t* pos);

// What the framing and Connection headers of one message say, shared by the request and response
// parsers so both frame a message alike.
struct Framing {
  bool has_content_length = false;
  uint64_t content_length = 0;
  bool chunked = false;  // Transfer-Encoding: chunked (any other coding is refused in Apply)
  bool connection_close = false;
  bool connection_keep_alive = false;

  // Takes in one field if it is Content-Length, Transfer-Encoding or Connection (others are
  // ignored). Returns 0, or an error status with *error for a field that leaves the length
  // unknowable: 400 for a malformed or conflicting Content-Length, a repeated Transfer-Encoding or
  // one whose final coding is not chunked; 501 for codings before a final chunked.
  int Apply(std::string_view name, std::string_view value, std::string_view* error);

  // Whether the connection may carry another message after this one: in HTTP/1.1 unless the
  // message said "close", in HTTP/1.0 only if it said "keep-alive" (and not "close").
  bool KeepAlive(int version_minor) const {
    return version_minor >= 1 ? !connection_close : connection_keep_alive && !connection_close;
  }
};

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
  // (malformed, chunk-size overflow), 413 (over max_body_bytes) or 431 (trailers over
  // max_trailer_bytes).
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
