// Fuzz target for RespReplyParser: whole parse == split parse, with default and tiny limits.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_common.h"
#include "protocol/resp_reply_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::CheckSplits(data, size, [](std::string_view stream, const std::vector<size_t>& cuts) {
    return protocol::testing::DriveRespReplies(stream, cuts);
  });
  protocol::RespReplyParser::Options tiny;
  tiny.max_line_bytes = 16;
  tiny.max_bulk_bytes = 8;
  tiny.max_array_count = 4;
  tiny.max_depth = 3;
  fuzz::CheckSplits(data, size, [&](std::string_view stream, const std::vector<size_t>& cuts) {
    return protocol::testing::DriveRespReplies(stream, cuts, tiny);
  });
  return 0;
}
