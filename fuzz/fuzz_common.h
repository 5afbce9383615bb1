// The split-point property every fuzz target checks: a stream parses to the same results whole
// as when cut where the fuzzer's input says. A difference aborts, which libFuzzer reports.
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
  const std::vector<std::string> whole = drive(stream, protocol::testing::NoCuts());
  auto check = [&](const std::vector<size_t>& cuts, const char* how) {
    const std::vector<std::string> split = drive(stream, cuts);
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
