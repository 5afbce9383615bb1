// GlobMatch: Redis's stringmatchlen patterns, with and without case folding.
#include "keyspace/glob.h"

#include "gtest/gtest.h"

namespace keyspace {
namespace {

TEST(GlobTest, Patterns) {
  EXPECT_TRUE(GlobMatch("*", "", false));
  EXPECT_TRUE(GlobMatch("*", "anything", false));
  EXPECT_TRUE(GlobMatch("h?llo", "hello", false));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo", false));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello", false));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo", false));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo", false));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo", false));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello", false));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo", false));
  EXPECT_TRUE(GlobMatch("h[b-a]llo", "hallo", false));  // a reversed range still matches
  EXPECT_TRUE(GlobMatch("h\\*llo", "h*llo", false));
  EXPECT_FALSE(GlobMatch("h\\*llo", "hello", false));
  EXPECT_TRUE(GlobMatch("k*:*", "key:1", false));
  EXPECT_FALSE(GlobMatch("k*:*", "key1", false));
}

TEST(GlobTest, CaseFoldingOnlyWhenAsked) {
  EXPECT_FALSE(GlobMatch("KEY", "key", false));
  EXPECT_TRUE(GlobMatch("KEY", "key", true));
  EXPECT_TRUE(GlobMatch("[A-C]*", "bar", true));
  EXPECT_FALSE(GlobMatch("[A-C]*", "bar", false));
}

}  // namespace
}  // namespace keyspace
