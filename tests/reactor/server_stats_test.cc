// Tests for ServerStats's field table and what walks it: sums over loops cover every field,
// families are well formed for Prometheus, histograms bucket at their bounds, gauges go down.
#include "reactor/server_stats.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace reactor {
namespace {

Counter& Mutable(const StatField& field, ServerStats& stats) {
  return const_cast<Counter&>(field.get(stats));
}

TEST(ServerStatsTest, AddSumsEveryFieldOfTheTable) {
  ServerStats a;
  ServerStats b;
  const absl::Span<const StatField> fields = StatFields();
  for (size_t i = 0; i < fields.size(); ++i) {
    Mutable(fields[i], a) = i + 1;
    Mutable(fields[i], b) = 1000 * (i + 1);
  }
  const_cast<Histogram&>(HistogramFields()[0].get(b)).Record(7'000);
  a.Add(b);
  for (size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(fields[i].get(a).value(), 1001 * (i + 1))
        << fields[i].family << " " << fields[i].label_value;
  }
  EXPECT_EQ(HistogramFields()[0].get(a).count(), 1u);
  EXPECT_EQ(HistogramFields()[0].get(a).sum(), 7'000u);
}

TEST(ServerStatsTest, EveryFieldIsADifferentCounter) {
  ServerStats stats;
  std::set<const Counter*> seen;
  for (const StatField& field : StatFields()) {
    EXPECT_TRUE(seen.insert(&field.get(stats)).second) << field.family << " " << field.label_value;
  }
}

TEST(ServerStatsTest, FamiliesAreContiguousAndNamedAsPrometheusExpects) {
  std::set<std::string> finished;
  std::string current;
  for (const StatField& field : StatFields()) {
    const std::string family(field.family);
    if (family != current) {
      EXPECT_EQ(finished.count(family), 0u) << family << " is split in the table";
      if (!current.empty()) finished.insert(current);
      current = family;
      EXPECT_FALSE(field.help.empty()) << family << ": the first field carries the HELP text";
    }
    const bool ends_in_total = family.size() > 6 && family.substr(family.size() - 6) == "_total";
    EXPECT_EQ(ends_in_total, field.kind == StatKind::kCounter) << family;
    EXPECT_EQ(field.label.empty(), field.label_value.empty()) << family;
  }
}

TEST(HistogramTest, ValuesFallInTheFirstBucketWhoseBoundHoldsThem) {
  static constexpr uint64_t kBounds[] = {1, 10, 100};
  Histogram h(kBounds);
  for (uint64_t v : {0, 1, 2, 10, 11, 100, 101, 5000}) h.Record(v);
  EXPECT_EQ(h.bucket(0), 2u);  // 0, 1
  EXPECT_EQ(h.bucket(1), 2u);  // 2, 10
  EXPECT_EQ(h.bucket(2), 2u);  // 11, 100
  EXPECT_EQ(h.bucket(3), 2u);  // overflow: 101, 5000
  EXPECT_EQ(h.count(), 8u);
  EXPECT_EQ(h.sum(), 5225u);
}

TEST(CounterTest, AGaugeGoesDownAndSumsStayExact) {
  Counter a;
  Counter b;
  a += 100;
  a -= 30;
  b += 5;
  b -= 10;  // below zero on its own (this loop freed what another loop's count holds)
  Counter total;
  total += a.value();
  total += b.value();
  EXPECT_EQ(total.value(), 65u);
}

TEST(MaxSinceTakenTest, TakeReturnsTheMaximumAndStartsAgain) {
  MaxSinceTaken max;
  max.Raise(5);
  max.Raise(3);
  max.Raise(9);
  EXPECT_EQ(max.Take(), 9u);
  EXPECT_EQ(max.Take(), 0u);
  max.Raise(2);
  EXPECT_EQ(max.Peek(), 2u);
}

}  // namespace
}  // namespace reactor
