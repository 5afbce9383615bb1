// Fuzz target for RespRequestParser: whole parse == split parse, with default and tiny limits.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_common.h"
#include "protocol/resp_request_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::CheckSplits(data, size, [](std::string_view stream, const std::vector<size_t>& cuts) {
    return protocol::testing::DriveRespRequests(stream, cuts);
  });
  // Tiny limits make every limit's edge reachable by short inputs.
  protocol::RespRequestParser::Options tiny;
  tiny.max_inline_bytes = 16;
  tiny.max_multibulk_count = 4;
  tiny.max_bulk_bytes = 8;
  fuzz::CheckSplits(data, size, [&](std::string_view stream, const std::vector<size_t>& cuts) {
    return protocol::testing::DriveRespRequests(stream, cuts, tiny);
  });
  return 0;
}
