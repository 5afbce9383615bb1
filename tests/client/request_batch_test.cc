// RequestBatches: contiguous repeats of each distinct request, bounded in count and bytes.
#include "client/request_batch.h"

#include <string>

#include "gtest/gtest.h"

namespace client {
namespace {

TEST(RequestBatchTest, ARequestIsRepeatedContiguouslyUpToTheBatchSize) {
  RequestBatches batches(16, 64 * 1024);
  const std::string ping = "*1\r\n$4\r\nPING\r\n";
  const RequestBatch batch = batches.For(ping);
  EXPECT_EQ(batch.capacity(), 16u);
  EXPECT_EQ(batch.request(), ping);
  std::string expected;
  for (int i = 0; i < 16; ++i) expected += ping;
  EXPECT_EQ(batch.bytes, expected);
}

TEST(RequestBatchTest, EachDistinctRequestIsBuiltOnce) {
  RequestBatches batches(4, 1024);
  const RequestBatch a = batches.For("abc");
  const RequestBatch b = batches.For("xyz");
  const RequestBatch again = batches.For(std::string("abc"));
  EXPECT_EQ(a.bytes.data(), again.bytes.data());
  EXPECT_NE(a.bytes.data(), b.bytes.data());
  EXPECT_EQ(b.bytes, "xyzxyzxyzxyz");
  // A prefix of another request is a request of its own.
  EXPECT_EQ(batches.For("ab").bytes, "abababab");
}

TEST(RequestBatchTest, ABatchStaysWithinItsBytesButHoldsOneRequestAtLeast) {
  RequestBatches batches(4096, 100);
  EXPECT_EQ(batches.For(std::string(30, 'a')).capacity(), 3u);
  EXPECT_EQ(batches.For(std::string(300, 'b')).capacity(), 1u);
  // A request on its own is a batch of one.
  const RequestBatch single(std::string_view("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(single.capacity(), 1u);
}

}  // namespace
}  // namespace client
