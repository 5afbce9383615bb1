// A second RESP request parser, for the fuzzer to check RespRequestParser against: written from
// Redis's rules, not from the real parser, and deliberately simple (whole input at once, no
// incremental state, no copies avoided) so that it is easy to trust by reading.
#ifndef FUZZ_RESP_REFERENCE_PARSER_H_
#define FUZZ_RESP_REFERENCE_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp_request_parser.h"

namespace fuzz {

// What a whole stream parses to: its requests in order, then how the stream ends.
struct RespOutcome {
  enum class End {
    kPending,  // `pending` bytes of an incomplete request are left (0: the stream ended cleanly)
    kError,    // `error` holds Redis's wording; nothing after it is parsed
    kUnsure,   // the reference stops at an inline line with quotes, which it does not decode
  };
  std::vector<std::vector<std::string>> requests;
  std::vector<size_t> consumed;  // bytes each request took
  End end = End::kPending;
  std::string error;
  size_t pending = 0;

  bool operator==(const RespOutcome&) const = default;
};

// Parses every request in `stream` under the limits of `options`.
RespOutcome ParseRespRequestsSimply(std::string_view stream,
                                    const protocol::RespRequestParser::Options& options);

// Parses `stream` with the real parser, one request per call, the way a session does.
RespOutcome ParseRespRequestsReally(std::string_view stream,
                                    const protocol::RespRequestParser::Options& options);

// `argv` as a RESP multibulk request.
std::string SerializeRespRequest(const std::vector<std::string>& argv);

// Printable description, for failure reports.
std::string Describe(const RespOutcome& outcome);

}  // namespace fuzz

#endif  // FUZZ_RESP_REFERENCE_PARSER_H_
