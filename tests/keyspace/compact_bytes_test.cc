// CompactBytes: the same bytes back whatever the form (in place or on the heap), across the
// 23/24-byte boundary, appends that cross it, self-aliasing arguments, and moves.
#include "keyspace/compact_bytes.h"

#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace keyspace {
namespace {

TEST(CompactBytesTest, HoldsEveryLengthAroundTheInlineLimit) {
  for (size_t n = 0; n <= 64; ++n) {
    std::string bytes(n, '\0');
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>(i * 37 + 1);
    CompactBytes b(bytes);
    EXPECT_EQ(b.size(), n);
    EXPECT_EQ(b.view(), bytes);
    // The inline form keeps its bytes inside the object itself.
    const char* self = reinterpret_cast<const char*>(&b);
    const bool in_place = b.data() >= self && b.data() < self + sizeof(b);
    EXPECT_EQ(in_place, n <= CompactBytes::kInlineCapacity) << n;
  }
}

TEST(CompactBytesTest, AssignSwitchesFormsAndReusesTheHeap) {
  CompactBytes b("short");
  b.assign(std::string(100, 'x'));
  EXPECT_EQ(b.view(), std::string(100, 'x'));
  const char* heap = b.data();
  b.assign("3");  // INCR's rewrite: the heap block is kept
  EXPECT_EQ(b.view(), "3");
  EXPECT_EQ(b.data(), heap);
  b.assign(std::string(100, 'y'));
  EXPECT_EQ(b.data(), heap);
  EXPECT_EQ(b.view(), std::string(100, 'y'));
}

TEST(CompactBytesTest, AppendAcrossTheBoundaryAndFromItself) {
  CompactBytes b;
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    const std::string piece = std::to_string(i);
    b.append(piece);
    expected += piece;
    ASSERT_EQ(b.view(), expected);
  }
  b.append(b.view());  // APPEND k <k's own bytes> as a view of the same storage
  expected += expected;
  EXPECT_EQ(b.view(), expected);
  CompactBytes small("abc");
  small.append(small.view());
  EXPECT_EQ(small.view(), "abcabc");
  small.assign(small.view().substr(1));
  EXPECT_EQ(small.view(), "bcabc");
}

TEST(CompactBytesTest, MovesAndCopies) {
  CompactBytes heap(std::string(40, 'h'));
  CompactBytes inline_bytes("key:000000123456");
  CompactBytes moved(std::move(heap));
  EXPECT_EQ(moved.view(), std::string(40, 'h'));
  EXPECT_TRUE(heap.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  CompactBytes copy = moved;
  EXPECT_EQ(copy.view(), moved.view());
  EXPECT_NE(copy.data(), moved.data());
  copy = inline_bytes;
  EXPECT_EQ(copy.view(), "key:000000123456");
  moved = std::move(copy);
  EXPECT_EQ(moved.view(), "key:000000123456");
}

}  // namespace
}  // namespace keyspace
