// Tests for reactor::Buffer: append/consume, prepare/commit, compaction, growth, lazy allocation
// and ReleaseIfEmpty, checked against a std::string model.
#include "reactor/buffer.h"

#include <cstring>
#include <random>
#include <string>

#include "gtest/gtest.h"

namespace reactor {
namespace {

TEST(BufferTest, NewBufferHoldsNoMemory) {
  Buffer buffer;
  EXPECT_EQ(buffer.capacity(), 0u);
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.view(), "");
  EXPECT_FALSE(buffer.ReleaseIfEmpty());  // nothing to release
}

TEST(BufferTest, AppendingNothingAllocatesNothing) {
  Buffer buffer;
  buffer.Append("");
  EXPECT_EQ(buffer.capacity(), 0u);
}

TEST(BufferTest, AppendThenConsumeFromTheFront) {
  Buffer buffer;
  buffer.Append("hello ");
  buffer.Append("world", 5);
  EXPECT_GT(buffer.capacity(), 0u);
  EXPECT_EQ(buffer.view(), "hello world");
  buffer.Consume(6);
  EXPECT_EQ(buffer.view(), "world");
  EXPECT_EQ(buffer.size(), 5u);
  buffer.Consume(5);
  EXPECT_TRUE(buffer.empty());
}

TEST(BufferTest, PrepareWriteAndCommit) {
  Buffer buffer;
  buffer.Append("ab");
  char* room = buffer.PrepareWrite(100);
  ASSERT_NE(room, nullptr);
  EXPECT_GE(buffer.capacity() - buffer.size(), 100u);
  std::memcpy(room, "cdef", 4);
  buffer.Commit(3);  // only part of the prepared room is used
  EXPECT_EQ(buffer.view(), "abcde");
}

TEST(BufferTest, ConsumingEverythingRewindsWithoutReallocating) {
  Buffer buffer;
  buffer.Append(std::string(1000, 'x'));
  const size_t capacity = buffer.capacity();
  buffer.Consume(1000);
  // The whole capacity is writable again: no growth, no copy.
  char* room = buffer.PrepareWrite(capacity);
  EXPECT_EQ(room, buffer.data());
  EXPECT_EQ(buffer.capacity(), capacity);
}

TEST(BufferTest, CompactsInsteadOfGrowingWhenTheFrontGapSuffices) {
  Buffer buffer;
  buffer.Append(std::string(4000, 'a'));
  const size_t capacity = buffer.capacity();
  ASSERT_LT(capacity, 6000u) << "test assumes a first allocation of about 4 KiB";
  buffer.Consume(3000);  // 1000 readable, a 3000-byte gap at the front
  buffer.Append(std::string(capacity - 1000, 'b'));
  EXPECT_EQ(buffer.capacity(), capacity) << "should slide the bytes to the front, not grow";
  EXPECT_EQ(buffer.view(), std::string(1000, 'a') + std::string(capacity - 1000, 'b'));
}

TEST(BufferTest, GrowsByDoublingAndKeepsTheBytes) {
  Buffer buffer;
  std::string expected;
  size_t last_capacity = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string piece(100 + i, static_cast<char>('a' + i % 26));
    buffer.Append(piece);
    expected += piece;
    if (buffer.capacity() != last_capacity) {
      if (last_capacity != 0) EXPECT_GE(buffer.capacity(), 2 * last_capacity);
      last_capacity = buffer.capacity();
    }
  }
  EXPECT_EQ(buffer.view(), expected);
  EXPECT_LT(buffer.capacity(), 4 * expected.size()) << "growth should be amortised, not wasteful";
}

TEST(BufferTest, LargePrepareWriteOnEmptyBuffer) {
  Buffer buffer;
  char* room = buffer.PrepareWrite(1 << 20);
  std::memset(room, 'z', 1 << 20);
  buffer.Commit(1 << 20);
  EXPECT_EQ(buffer.size(), size_t{1} << 20);
  EXPECT_GE(buffer.capacity(), size_t{1} << 20);
}

TEST(BufferTest, ReleaseIfEmptyFreesOnlyWhenEmpty) {
  Buffer buffer;
  buffer.Append("pending");
  EXPECT_FALSE(buffer.ReleaseIfEmpty());
  EXPECT_GT(buffer.capacity(), 0u);
  EXPECT_EQ(buffer.view(), "pending");

  buffer.Consume(buffer.size());
  EXPECT_TRUE(buffer.ReleaseIfEmpty());
  EXPECT_EQ(buffer.capacity(), 0u);
  EXPECT_FALSE(buffer.ReleaseIfEmpty());

  // Usable again after a release: storage comes back lazily.
  buffer.Append("again");
  EXPECT_EQ(buffer.view(), "again");
}

TEST(BufferTest, ClearKeepsStorageForReuse) {
  Buffer buffer;
  buffer.Append("abc");
  const size_t capacity = buffer.capacity();
  buffer.Clear();
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.capacity(), capacity);
}

TEST(BufferTest, MoveTransfersContentsAndEmptiesTheSource) {
  Buffer a;
  a.Append("payload");
  Buffer b(std::move(a));
  EXPECT_EQ(b.view(), "payload");
  EXPECT_EQ(a.capacity(), 0u);  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_TRUE(a.empty());

  Buffer c;
  c.Append("old");
  c = std::move(b);
  EXPECT_EQ(c.view(), "payload");
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
}

// Random appends, commits and consumes against a std::string model: the readable bytes always
// equal the model, whatever sequence of compactions and growths happened underneath.
TEST(BufferTest, MatchesAStringModelUnderRandomOperations) {
  std::mt19937 rng(12345);
  Buffer buffer;
  std::string model;
  for (int step = 0; step < 20000; ++step) {
    switch (rng() % 4) {
      case 0: {
        const std::string piece(rng() % 3000, static_cast<char>('A' + rng() % 26));
        buffer.Append(piece);
        model += piece;
        break;
      }
      case 1: {
        const size_t asked = rng() % 5000;
        const size_t used = asked == 0 ? 0 : rng() % (asked + 1);
        char* room = buffer.PrepareWrite(asked);
        for (size_t i = 0; i < used; ++i) room[i] = static_cast<char>('a' + (step + i) % 26);
        buffer.Commit(used);
        for (size_t i = 0; i < used; ++i) model += static_cast<char>('a' + (step + i) % 26);
        break;
      }
      case 2:
      case 3: {
        const size_t n = model.empty() ? 0 : rng() % (model.size() + 1);
        buffer.Consume(n);
        model.erase(0, n);
        break;
      }
    }
    ASSERT_EQ(buffer.size(), model.size()) << "step " << step;
    if (step % 97 == 0) ASSERT_EQ(buffer.view(), model) << "step " << step;
    if (model.empty() && rng() % 8 == 0) {
      EXPECT_TRUE(buffer.ReleaseIfEmpty() || buffer.capacity() == 0);
    }
  }
  EXPECT_EQ(buffer.view(), model);
}

}  // namespace
}  // namespace reactor
