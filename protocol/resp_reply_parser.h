// RespReplyParser: parses the RESP2 replies a Redis server sends, one top-level reply per call,
// for the load client to count and verify them.
#ifndef PROTOCOL_RESP_REPLY_PARSER_H_
#define PROTOCOL_RESP_REPLY_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/inlined_vector.h"
#include "protocol/line_scanner.h"
#include "protocol/parse_status.h"

namespace protocol {

enum class RespType {
  kSimpleString,  // +OK
  kError,         // -ERR ...
  kInteger,       // :42
  kBulkString,    // $5 hello
  kNullBulk,      // $-1
  kArray,         // *2 ... (elements may nest)
  kNullArray,     // *-1
};

std::string_view RespTypeName(RespType type);

// An incremental RESP2 reply parser.
//
//   RespReplyParser parser;
//   auto r = parser.Parse(input);
//   if (r.status == ParseStatus::kComplete && r.type == RespType::kSimpleString &&
//       r.payload == "PONG") { ... input.remove_prefix(r.consumed) ... }
//
// Same contract as RespRequestParser: each call gets the whole unconsumed input, which only grows
// at the back until a reply completes. Progress is kept as offsets, so large bulks and deep
// arrays are scanned once. Replies are parsed strictly (CRLF everywhere, bulk terminators
// checked): a load client must notice a server that breaks the protocol.
class RespReplyParser {
 public:
  struct Options {
    size_t max_line_bytes = 64 * 1024;             // simple strings, errors, headers
    int64_t max_bulk_bytes = 512LL * 1024 * 1024;  // "$<len>"
    int64_t max_array_count = 1LL << 32;           // "*<count>"
    size_t max_depth = 64;                         // nested arrays
  };

  struct Result {
    ParseStatus status = ParseStatus::kIncomplete;
    size_t consumed = 0;  // kComplete: bytes of the whole reply
    RespType type = RespType::kNullBulk;
    // kComplete: a view into the input. Simple string and error: the text without its prefix
    // character and CRLF. Integer: its digits. Bulk: the data. Array: the encoded elements that
    // follow the "*<count>\r\n" header. Null: empty.
    std::string_view payload;
    int64_t integer = 0;     // kInteger: the value; kArray: the element count
    std::string_view error;  // kError: what was wrong with the bytes (not a server error reply)
  };

  RespReplyParser() : RespReplyParser(Options{}) {}
  explicit RespReplyParser(const Options& options) : options_(options) {}

  Result Parse(std::string_view input);
  void Reset();

 private:
  Result Error(std::string_view message);

  Options options_;
  size_t pos_ = 0;            // offset of the next unparsed element (or of a pending bulk's data)
  LineScanner lines_;         // where the search for the "\r" of the line at pos_ stopped
  int64_t bulk_length_ = -1;  // length of the bulk whose data starts at pos_, or -1
  absl::InlinedVector<int64_t, 8> remaining_;  // elements left in each open array, outermost first
  bool have_top_ = false;                      // the top-level reply's header has been read
  RespType top_type_ = RespType::kNullBulk;
  size_t top_payload_begin_ = 0;
  int64_t top_integer_ = 0;
  std::string error_;
};

}  // namespace protocol

#endif  // PROTOCOL_RESP_REPLY_PARSER_H_
