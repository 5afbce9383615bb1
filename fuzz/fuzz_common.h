// The split-point property every parser fuzz target checks: a stream parses to the same results
// whole as when cut where the fuzzer's input says, and no parse ever claims more bytes than it
// was given (the driver's "BUG: consumed" event). Either failure aborts, which libFuzzer reports.
#ifndef FUZZ_FUZZ_COMMON_H_
#define FUZZ_FUZZ_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/testing/split_driver.h"

namespace fuzz {

// Input layout: the first byte seeds the random cuts; the rest is the byte stream. Streams up to
// kByteByByteLimit are also fed one byte at a time (the driver copies its buffer at every cut, so
// that is quadratic).
inline constexpr size_t kByteByByteLimit = 512;

template <typename Drive>
void CheckSplits(const uint8_t* data, size_t size, Drive drive) {
  if (size == 0) return;
  const uint64_t seed = data[0];
  const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  // The driver reports a parse that consumed nothing or more than the input as an event; the same
  // bug whole and split would otherwise compare equal.
  auto check_no_bug = [](const std::vector<std::string>& events, const char* how) {
    for (const std::string& event : events) {
      if (event.rfind("BUG:", 0) != 0) continue;
      std::fprintf(stderr, "%s parse: %s\n", how, event.c_str());
      std::abort();
    }
  };
  const std::vector<std::string> whole = drive(stream, protocol::testing::NoCuts());
  check_no_bug(whole, "whole");
  auto check = [&](const std::vector<size_t>& cuts, const char* how) {
    const std::vector<std::string> split = drive(stream, cuts);
    check_no_bug(split, how);
    if (split == whole) return;
    std::fprintf(stderr, "whole and %s parses differ\n", how);
    for (const std::string& event : whole) std::fprintf(stderr, "  whole: %s\n", event.c_str());
    for (const std::string& event : split) std::fprintf(stderr, "  split: %s\n", event.c_str());
    std::abort();
  };
  check(protocol::testing::RandomCuts(stream.size(), seed), "random split");
  if (stream.size() <= kByteByByteLimit) {
    check(protocol::testing::ByteByByteCuts(stream.size()), "byte by byte");
  }
}

}  // namespace fuzz

#endif  // FUZZ_FUZZ_COMMON_H_
