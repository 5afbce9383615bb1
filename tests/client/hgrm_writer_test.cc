// FormatHgrm and PercentileDistribution: HdrHistogram's .hgrm layout and percentile schedule,
// and values that agree with LatencyHistogram::ValueAtPercentile row by row.
#include "client/hgrm_writer.h"

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "client/percentile_distribution.h"
#include "gtest/gtest.h"

namespace client {
namespace {

struct Row {
  double value_ms = 0;
  double percentile = 0;  // 0 to 1, as printed
  uint64_t total_count = 0;
  double inverse = -1;  // 1/(1-Percentile); -1 on the last line, which has none
};

struct Hgrm {
  std::string header;
  std::vector<Row> rows;
  std::vector<std::string> footer;
};

Hgrm Parse(const std::string& text) {
  Hgrm h;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  EXPECT_GE(lines.size(), 5u);
  h.header = lines[0];
  EXPECT_EQ(lines[1], "");
  for (size_t i = 2; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    if (lines[i][0] == '#') {
      h.footer.push_back(lines[i]);
      continue;
    }
    Row r;
    std::istringstream in(lines[i]);
    in >> r.value_ms >> r.percentile >> r.total_count;
    if (!(in >> r.inverse)) r.inverse = -1;
    h.rows.push_back(r);
  }
  return h;
}

LatencyHistogram Sample() {
  LatencyHistogram h;
  for (int i = 1; i <= 10'000; ++i) h.Record(20'000 + i * 37);
  h.RecordN(5'000'000, 7);  // a tail
  return h;
}

TEST(HgrmWriterTest, HeaderAndFooterAreHdrHistogramsLayout) {
  const LatencyHistogram h = Sample();
  const Hgrm hgrm = Parse(FormatHgrm(h));
  EXPECT_EQ(hgrm.header, "       Value     Percentile TotalCount 1/(1-Percentile)");
  ASSERT_EQ(hgrm.footer.size(), 3u);
  char expected[200];
  std::snprintf(expected, sizeof(expected), "#[Mean    = %12.6f, StdDeviation   = %12.6f]",
                h.Mean() / 1e6, h.StdDev() / 1e6);
  EXPECT_EQ(hgrm.footer[0], expected);
  EXPECT_EQ(hgrm.footer[1], "#[Max     =     5.000000, Total count    =        10007]");
  EXPECT_EQ(hgrm.footer[2], "#[Buckets =           31, SubBuckets     =         2048]");
}

TEST(HgrmWriterTest, EveryRowIsTheHistogramsValueAtItsPercentile) {
  const LatencyHistogram h = Sample();
  const Hgrm hgrm = Parse(FormatHgrm(h));
  ASSERT_GT(hgrm.rows.size(), 20u);
  uint64_t previous_count = 0;
  double previous_value = 0;
  for (const Row& r : hgrm.rows) {
    EXPECT_EQ(std::llround(r.value_ms * 1e6), h.ValueAtPercentile(r.percentile * 100))
        << "at " << r.percentile;
    EXPECT_GE(r.total_count, previous_count);
    EXPECT_GE(r.value_ms, previous_value);
    if (r.inverse >= 0) {
      EXPECT_NEAR(r.inverse, 1 / (1 - r.percentile), 0.006);
    }
    previous_count = r.total_count;
    previous_value = r.value_ms;
  }
  EXPECT_EQ(hgrm.rows.back().percentile, 1.0);
  EXPECT_EQ(hgrm.rows.back().inverse, -1);
  EXPECT_EQ(hgrm.rows.back().total_count, h.count());
  EXPECT_EQ(std::llround(hgrm.rows.back().value_ms * 1e6), h.max());
}

// The levels of HdrHistogram's outputPercentileDistribution (and wrk2's) with 5 ticks per half
// distance: steps of 10% to 50%, then 5% to 75%, 2.5% to 87.5%, 1.25% to 93.75%, ...
TEST(HgrmWriterTest, PercentileLevelsFollowHdrHistogramsSchedule) {
  const std::vector<double> expected = {0,      0.1, 0.2,    0.3,   0.4,    0.5,    0.55, 0.6,
                                        0.65,   0.7, 0.75,   0.775, 0.8,    0.825,  0.85, 0.875,
                                        0.8875, 0.9, 0.9125, 0.925, 0.9375, 0.94375};
  const Hgrm hgrm = Parse(FormatHgrm(Sample()));
  ASSERT_GT(hgrm.rows.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(hgrm.rows[i].percentile, expected[i], 1e-12) << "row " << i;
  }
}

TEST(HgrmWriterTest, TheTailEndsAtTheMaxWithEveryValueCounted) {
  LatencyHistogram h;
  h.Record(1'000);
  h.Record(LatencyHistogram::kMaxTrackableNanos + 5);  // overflow: kept as the max
  const std::vector<PercentilePoint> points = PercentileDistribution(h);
  ASSERT_GE(points.size(), 2u);
  EXPECT_EQ(points.front().value_nanos, 1'000);
  EXPECT_EQ(points.front().total_count, 1u);
  EXPECT_EQ(points.back().percentile, 100.0);
  EXPECT_EQ(points.back().value_nanos, LatencyHistogram::kMaxTrackableNanos + 5);
  EXPECT_EQ(points.back().total_count, 2u);
}

TEST(HgrmWriterTest, AnEmptyHistogramHasNoRows) {
  const Hgrm hgrm = Parse(FormatHgrm(LatencyHistogram()));
  EXPECT_TRUE(hgrm.rows.empty());
  ASSERT_EQ(hgrm.footer.size(), 3u);
  EXPECT_EQ(hgrm.footer[1], "#[Max     =     0.000000, Total count    =            0]");
}

}  // namespace
}  // namespace client
