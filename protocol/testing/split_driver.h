// Split driver: feeds a parser a byte stream cut at given points, as a connection would deliver
// it, and describes every result as a line of text, so a whole parse and split parses compare
// with ==. Shared by the table tests and the fuzzers.
#ifndef PROTOCOL_TESTING_SPLIT_DRIVER_H_
#define PROTOCOL_TESTING_SPLIT_DRIVER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/http_request_parser.h"
#include "protocol/http_response_parser.h"
#include "protocol/resp_reply_parser.h"
#include "protocol/resp_request_parser.h"

namespace protocol::testing {

// Cut points: offsets (ascending, each in (0, size)) after which the stream is delivered so far.
std::vector<size_t> NoCuts();
std::vector<size_t> ByteByByteCuts(size_t size);
std::vector<size_t> RandomCuts(size_t size, uint64_t seed);

// Each driver keeps a connection-like input buffer: bytes are appended at every cut, the parser
// is called until it stops completing, consumed bytes are dropped from the front, and the buffer is
// moved to fresh memory after every append (so a parser that kept a pointer trips ASan). It records
// one line per complete message, one for an error (then stops, as a connection would close), and
// "pending N" if N bytes are left unconsumed at the end.
std::vector<std::string> DriveRespRequests(std::string_view stream, const std::vector<size_t>& cuts,
                                           const RespRequestParser::Options& options = {});
std::vector<std::string> DriveRespReplies(std::string_view stream, const std::vector<size_t>& cuts,
                                          const RespReplyParser::Options& options = {});
std::vector<std::string> DriveHttpRequests(std::string_view stream, const std::vector<size_t>& cuts,
                                           const HttpRequestParser::Options& options = {});
// Also calls Finish at the end of the stream, as the client does when the server closes.
std::vector<std::string> DriveHttpResponses(std::string_view stream,
                                            const std::vector<size_t>& cuts,
                                            const HttpResponseParser::Options& options = {});

// Printable form of bytes: C escapes for anything outside printable ASCII.
std::string Escape(std::string_view bytes);

}  // namespace protocol::testing

#endif  // PROTOCOL_TESTING_SPLIT_DRIVER_H_
