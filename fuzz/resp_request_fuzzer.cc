// Fuzz target for RespRequestParser, with default and tiny limits: whole parse == split parse;
// the real parser agrees with the simple reference parser; every request, re-serialised as a
// multibulk and parsed again, comes back the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.h"
#include "fuzz/resp_reference_parser.h"
#include "protocol/resp_request_parser.h"

namespace {

void CheckAgainstReference(std::string_view stream,
                           const protocol::RespRequestParser::Options& options) {
  const fuzz::RespOutcome real = fuzz::ParseRespRequestsReally(stream, options);
  fuzz::RespOutcome reference = fuzz::ParseRespRequestsSimply(stream, options);
  bool same = real == reference;
  if (reference.end == fuzz::RespOutcome::End::kUnsure) {
    // Only what comes before the quoted line can be compared.
    const size_t n = reference.requests.size();
    same =
        real.requests.size() >= n &&
        std::equal(reference.requests.begin(), reference.requests.end(), real.requests.begin()) &&
        std::equal(reference.consumed.begin(), reference.consumed.end(), real.consumed.begin());
  }
  if (same) return;
  std::fprintf(stderr, "the parser and the reference parser differ\nparser:\n%s\nreference:\n%s",
               fuzz::Describe(real).c_str(), fuzz::Describe(reference).c_str());
  std::abort();
}

void CheckReserialized(std::string_view stream,
                       const protocol::RespRequestParser::Options& options) {
  const fuzz::RespOutcome real = fuzz::ParseRespRequestsReally(stream, options);
  protocol::RespRequestParser::Options roomy;
  roomy.max_bulk_bytes = INT64_MAX;
  for (const std::vector<std::string>& argv : real.requests) {
    const std::string again = fuzz::SerializeRespRequest(argv);
    const fuzz::RespOutcome reparsed = fuzz::ParseRespRequestsReally(again, roomy);
    if (reparsed.requests.size() == 1 && reparsed.requests[0] == argv &&
        reparsed.consumed[0] == again.size() && reparsed.end == fuzz::RespOutcome::End::kPending &&
        reparsed.pending == 0) {
      continue;
    }
    fuzz::RespOutcome first;
    first.requests.push_back(argv);
    first.consumed.push_back(0);
    std::fprintf(stderr, "a request re-serialised parses differently\nfirst:\n%s\nagain:\n%s",
                 fuzz::Describe(first).c_str(), fuzz::Describe(reparsed).c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Tiny limits make every limit's edge reachable by short inputs.
  protocol::RespRequestParser::Options tiny;
  tiny.max_inline_bytes = 16;
  tiny.max_multibulk_count = 4;
  tiny.max_bulk_bytes = 8;
  for (const protocol::RespRequestParser::Options& options :
       {protocol::RespRequestParser::Options{}, tiny}) {
    fuzz::CheckSplits(data, size, [&](std::string_view stream, const std::vector<size_t>& cuts) {
      return protocol::testing::DriveRespRequests(stream, cuts, options);
    });
    if (size == 0) continue;
    const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
    CheckAgainstReference(stream, options);
    CheckReserialized(stream, options);
  }
  return 0;
}
