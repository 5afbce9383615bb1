// OutputQueue: copied bytes and shared blocks leave in the order they were written, whatever
// sizes the socket takes them in, and a shared block is never copied.
#include "reactor/output_queue.h"

#include <sys/uio.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace reactor {
namespace {

OutputQueue::Block MakeBlock(char fill, size_t n) {
  return std::make_shared<const std::string>(n, fill);
}

// "h1" BODY "h2" BODY BODY "t": blocks between, at the ends of and next to copied bytes.
std::string Fill(OutputQueue& queue, const OutputQueue::Block& block) {
  queue.bytes().Append("h1");
  queue.AppendBlock(block);
  queue.bytes().Append("h2");
  queue.AppendBlock(block);
  queue.AppendBlock(block);
  queue.bytes().Append("t");
  return "h1" + *block + "h2" + *block + *block + "t";
}

// Sends the queue as a socket would take it: `step` bytes at a time, gathered into at most
// `max_iov` pieces per call, as Connection::SendFrom does.
std::string Drain(OutputQueue& queue, size_t step, size_t max_iov) {
  std::string sent;
  while (!queue.empty()) {
    std::vector<iovec> iov(max_iov);
    const size_t count = queue.Gather(iov.data(), iov.size());
    EXPECT_GT(count, 0u);
    size_t taken = 0;
    for (size_t i = 0; i < count && taken < step; ++i) {
      const size_t n = std::min(step - taken, iov[i].iov_len);
      sent.append(static_cast<const char*>(iov[i].iov_base), n);
      taken += n;
    }
    const size_t before = queue.size();
    queue.Consume(taken);
    EXPECT_EQ(queue.size(), before - taken);
  }
  return sent;
}

TEST(OutputQueueTest, SharedBlocksLeaveInTheOrderWrittenAtEverySendSize) {
  const OutputQueue::Block block = MakeBlock('x', OutputQueue::kShareFromBytes);
  for (size_t step : {size_t{1}, size_t{2}, size_t{3}, size_t{4095}, size_t{4096}, size_t{4097},
                      size_t{8191}, size_t{1} << 20}) {
    for (size_t max_iov : {size_t{1}, size_t{2}, size_t{64}}) {
      OutputQueue queue;
      const std::string expected = Fill(queue, block);
      ASSERT_EQ(queue.size(), expected.size());
      EXPECT_FALSE(queue.contiguous());
      EXPECT_EQ(queue.ToString(), expected);
      EXPECT_EQ(Drain(queue, step, max_iov), expected) << "step " << step << ", " << max_iov;
      EXPECT_TRUE(queue.contiguous());
    }
  }
}

TEST(OutputQueueTest, LargeBlocksAreSharedAndSmallOnesCopied) {
  const OutputQueue::Block large = MakeBlock('L', 1 << 20);
  const OutputQueue::Block small = MakeBlock('s', OutputQueue::kShareFromBytes - 1);
  OutputQueue queue;
  for (int i = 0; i < 16; ++i) queue.AppendBlock(large);
  EXPECT_EQ(queue.size(), 16u << 20);
  EXPECT_LT(queue.capacity(), 4096u) << "a shared block was copied";
  EXPECT_EQ(large.use_count(), 17);

  OutputQueue copied;
  copied.AppendBlock(small);
  EXPECT_TRUE(copied.contiguous());
  EXPECT_EQ(copied.bytes().view(), *small);
  EXPECT_EQ(small.use_count(), 1);

  // Sent blocks are let go at once, not when the queue empties.
  queue.Consume(1 << 20);
  EXPECT_EQ(large.use_count(), 16);
  queue.Clear();
  EXPECT_EQ(large.use_count(), 1);
}

TEST(OutputQueueTest, TakeFromKeepsOrderAfterAPartialSendAndWhatWasQueued) {
  const OutputQueue::Block block = MakeBlock('b', 3 * OutputQueue::kShareFromBytes);
  for (size_t sent : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{5000}}) {
    OutputQueue scratch;
    const std::string expected = Fill(scratch, block);
    scratch.Consume(sent);
    OutputQueue pending;
    pending.bytes().Append("earlier");
    pending.AppendBlock(block);
    const std::string before = pending.ToString();
    pending.TakeFrom(scratch);
    EXPECT_TRUE(scratch.empty());
    EXPECT_EQ(pending.size(), before.size() + expected.size() - sent);
    EXPECT_EQ(Drain(pending, 777, 64), before + expected.substr(sent)) << "sent " << sent;
  }
}

TEST(OutputQueueTest, ReleaseIfEmptyGivesBackAllMemory) {
  OutputQueue queue;
  const std::string expected = Fill(queue, MakeBlock('z', 1 << 16));
  queue.ReleaseIfEmpty();
  EXPECT_GT(queue.capacity(), 0u) << "released while bytes were owed";
  queue.Consume(expected.size());
  queue.ReleaseIfEmpty();
  EXPECT_EQ(queue.capacity(), 0u);
  // And it is as good as new.
  EXPECT_EQ(Drain(queue, 100, 64), "");
  const std::string again = Fill(queue, MakeBlock('y', 1 << 16));
  EXPECT_EQ(Drain(queue, 100000, 3), again);
}

}  // namespace
}  // namespace reactor
