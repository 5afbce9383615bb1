// ActiveExpiry: keys past their deadline go without any command touching them, in slices that
// give the loop back between them.
#include "server/active_expiry.h"

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "reactor/event_loop.h"
#include "server/dataset.h"

namespace server {
namespace {

int64_t fake_now = 1000000;
int64_t FakeClock() { return fake_now; }

TEST(ActiveExpiryTest, ReclaimsExpiredKeysInSlicesThatYieldToTheLoop) {
  auto loop = reactor::EventLoop::Create();
  ASSERT_TRUE(loop.ok());
  Dataset dataset(/*shared=*/false, &FakeClock);
  {
    Dataset::Access access(dataset);
    for (int i = 0; i < 20000; ++i) {
      const std::string key = "k" + std::to_string(i);
      access.keys().SetString(key, "v", false);
      if (i % 2 == 0) access.keys().SetDeadline(key, fake_now + 10);
    }
  }
  fake_now += 11;
  ActiveExpiry::Options options;
  options.idle_interval = absl::Milliseconds(1);
  options.budget = absl::ZeroDuration();  // one batch per slice: many slices
  ActiveExpiry expiry(loop->get(), &dataset, options);
  // A task the loop runs between slices: it must get its turn before the backlog is gone.
  bool interleaved = false;
  (*loop)->RunAfter(absl::Milliseconds(2),
                    [&] { interleaved = Dataset::Access(dataset).keys().size() > 10000; });
  (*loop)->RunAfter(absl::Seconds(2), [&] { (*loop)->Stop(); });
  ASSERT_TRUE((*loop)->Run().ok());
  EXPECT_EQ(expiry.expired(), 10000u);
  Dataset::Access access(dataset);
  EXPECT_EQ(access.keys().size(), 10000u);
  EXPECT_EQ(access.keys().keys_with_deadline(), 0u);
  EXPECT_TRUE(interleaved) << "the backlog was drained without giving the loop back";
  EXPECT_GT((*loop)->iterations(), 10000u / 32);
}

}  // namespace
}  // namespace server
