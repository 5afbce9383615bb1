// Fuzz target for HttpResponseParser: whole parse == split parse, with default and tiny limits.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_common.h"
#include "protocol/http_response_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::CheckSplits(data, size, [](std::string_view stream, const std::vector<size_t>& cuts) {
    return protocol::testing::DriveHttpResponses(stream, cuts);
  });
  protocol::HttpResponseParser::Options tiny;
  tiny.max_status_line_bytes = 24;
  tiny.max_header_bytes = 48;
  tiny.max_body_bytes = 16;
  fuzz::CheckSplits(data, size, [&](std::string_view stream, const std::vector<size_t>& cuts) {
    return protocol::testing::DriveHttpResponses(stream, cuts, tiny);
  });
  return 0;
}
