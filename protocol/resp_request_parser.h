// RespRequestParser: turns the bytes a Redis client sends (RESP2 multibulk arrays and inline
// commands, pipelined) into argument vectors, one request per call, without copying them.
#ifndef PROTOCOL_RESP_REQUEST_PARSER_H_
#define PROTOCOL_RESP_REQUEST_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "protocol/line_scanner.h"
#include "protocol/parse_status.h"

namespace protocol {

// An incremental RESP2 request parser that behaves as Redis 7's processInlineBuffer and
// processMultibulkBuffer do, including their error wording.
//
//   RespRequestParser parser;
//   size_t offset = 0;
//   for (;;) {
//     auto r = parser.Parse(input.substr(offset));
//     if (r.status != ParseStatus::kComplete) break;  // kIncomplete: wait; kError: reply, close
//     offset += r.consumed;
//     if (!r.argv.empty()) Execute(r.argv);            // empty: a blank line, *0 or *-1
//   }
//
// Contract: each call is given the whole unconsumed input, which starts where the last complete
// request ended and may only have grown at the back since the previous call. The parser keeps
// offsets (never pointers, so the caller's buffer may move) of what it has already scanned, so a
// 512 MiB bulk arriving 64 KiB at a time costs O(total bytes), not O(bytes^2).
//
// Redis rules kept on purpose:
//  - A request starting with '*' is a multibulk array; anything else is an inline command line
//    ended by "\n" (a preceding "\r" is dropped), split like sdssplitargs (quotes, escapes).
//  - Blank inline lines, "*0" and negative counts are requests with no arguments.
//  - A bulk's trailing two bytes are skipped without being checked, as Redis does.
// Where Redis's answer would depend on how the bytes were split (a line longer than the limit is
// refused only if its end has not arrived yet), a line's length is checked against the limit
// whether or not its end has arrived, so the outcome never depends on the split.
class RespRequestParser {
 public:
  struct Options {
    // Longest inline command line, and longest "*<count>" / "$<len>" line.
    size_t max_inline_bytes = 64 * 1024;
    // Largest "*<count>" accepted.
    int64_t max_multibulk_count = 1024 * 1024;
    // Largest "$<len>" accepted (Redis's proto-max-bulk-len).
    int64_t max_bulk_bytes = 512LL * 1024 * 1024;
  };

  struct Result {
    ParseStatus status = ParseStatus::kIncomplete;
    // kComplete: bytes of input the request took.
    size_t consumed = 0;
    // kComplete: the arguments. Views into the input, or into the parser for inline arguments
    // that had quotes or escapes; valid until the next call to Parse or Reset and while the input
    // is unchanged.
    absl::Span<const std::string_view> argv;
    // kError: Redis's wording, without the "Protocol error: " prefix, e.g.
    // "invalid multibulk length". Valid until the next call.
    std::string_view error;
  };

  RespRequestParser() : RespRequestParser(Options{}) {}
  explicit RespRequestParser(const Options& options) : options_(options) {}

  // Parses the request at the front of `input`. See the class comment for the contract.
  Result Parse(std::string_view input);

  // Forgets a partly parsed request (e.g. when the input it belonged to is thrown away).
  void Reset();

  // Done with the last request's argv: gives back what a request with many arguments made the
  // parser hold (as Redis frees argv after each command), keeping enough for ordinary ones.
  // Invalidates the last Result's argv. Call once the request has been executed.
  void ReleaseArguments();

  // Bytes of memory the parser holds for arguments and error text: what a connection costs
  // beyond its buffers.
  size_t memory_bytes() const;

  // Input bytes searched for line ends since the parser was made: the work that would grow
  // quadratically if a line arriving in pieces were searched again from its start. Bulk data is
  // never searched. For tests of that cost.
  size_t bytes_examined() const { return lines_.bytes_examined(); }

  // Argument slots kept between requests, and the most preallocated for a "*<count>" before
  // its arguments have arrived (Redis's cap): a client announcing a million arguments gets
  // memory only as fast as it sends them.
  static constexpr size_t kRetainedArguments = 1024;

 private:
  enum class Mode { kStart, kInline, kMultibulk };

  // One argument: a range of the input, or of decoded_ for inline arguments with quotes.
  struct Piece {
    size_t begin;
    size_t length;
    bool decoded;
  };

  Result ParseInline(std::string_view input);
  Result ParseMultibulk(std::string_view input);
  // The LineScanner budget of an inline, "*<count>" or "$<len>" line: max_inline_bytes before
  // its terminator, plus the terminator. Searching that one byte further tells a line exactly at
  // the limit from one over it, whatever has arrived so far.
  size_t line_budget() const { return options_.max_inline_bytes + 1; }
  // sdssplitargs on one inline line; false on unbalanced quotes.
  bool SplitInline(std::string_view input, size_t line_end);
  Result Complete(std::string_view input, size_t consumed);
  Result Error(std::string_view message);

  Options options_;
  Mode mode_ = Mode::kStart;
  LineScanner lines_;          // where the current line's search stopped
  size_t pos_ = 0;             // multibulk: offset of the next unparsed line or bulk
  int64_t args_left_ = -1;     // multibulk: arguments still to read; -1 until the count is read
  int64_t bulk_length_ = -1;   // multibulk: length of the bulk at pos_, -1 until its header
  std::vector<Piece> pieces_;  // reused: no allocation per request once warm
  std::vector<std::string_view> argv_;
  std::string decoded_;
  std::string error_;
};

}  // namespace protocol

#endif  // PROTOCOL_RESP_REQUEST_PARSER_H_
