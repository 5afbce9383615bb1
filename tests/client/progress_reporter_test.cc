// ProgressReporter: one line per second for the whole run, whatever order the threads report
// in; the last, partial second and the warm-up are marked; a second without answers says how
// long the oldest request has waited; the line says how far a bounded run has come.
#include "client/progress_reporter.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace client {
namespace {

std::string Contents(std::FILE* f) {
  std::rewind(f);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  return text;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

SecondReport Second(int second, uint64_t responses, const LatencyHistogram* latency) {
  SecondReport r;
  r.second = second;
  r.responses = responses;
  r.open_connections = 5;
  r.latency = latency;
  return r;
}

TEST(ProgressReporterTest, EverySecondOnceInOrderWhenAThreadLagsAndEndsLate) {
  // Thread 0 finishes (4 whole seconds and a partial fifth) before thread 1 has reported its
  // fourth. Before, thread 0's end let second 4 out with its figures alone, and thread 1's
  // report made a second "[4s]" line (and a second point 4 in the JSON series).
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ProgressReporter progress(2, out, RunBounds{absl::Seconds(2), absl::Seconds(3), 0});
  LatencyHistogram h;
  h.Record(1'000'000);
  for (int s = 1; s <= 3; ++s) {
    progress.Report(0, Second(s, 100, &h));
    progress.Report(1, Second(s, 100, &h));
  }
  progress.Report(0, Second(4, 100, &h));
  SecondReport last = Second(5, 40, &h);
  last.span_seconds = 0.4;
  progress.Report(0, last);
  progress.ThreadDone(0);
  SecondReport late = Second(4, 90, &h);
  late.span_seconds = 0.9;
  progress.Report(1, late);
  progress.ThreadDone(1);
  const std::vector<SeriesPoint> series = progress.TakeSeries();
  ASSERT_EQ(series.size(), 5u);
  for (int s = 1; s <= 5; ++s) EXPECT_EQ(series[s - 1].second, s);
  EXPECT_EQ(series[3].responses, 190u);  // both threads' fourth second, once
  EXPECT_TRUE(series[0].warmup);
  EXPECT_TRUE(series[1].warmup);
  EXPECT_FALSE(series[2].warmup);
  EXPECT_EQ(series[4].span_seconds, 0.4);
  const std::string text = Contents(out);
  EXPECT_EQ(Count(text, "[   4s"), 1u) << text;
  EXPECT_EQ(Count(text, "\n"), 5u) << text;
  EXPECT_EQ(Count(text, "warm-up"), 2u) << text;
  EXPECT_NE(text.find("[   5s/5s partial 0.40s]"), std::string::npos) << text;
  EXPECT_NE(text.find("[   3s/5s]"), std::string::npos) << text;
  std::fclose(out);
}

TEST(ProgressReporterTest, ASecondWithoutAnswersShowsTheOldestWaitAndARunItsProgress) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ProgressReporter progress(1, out, RunBounds{absl::ZeroDuration(), absl::Seconds(10), 1000});
  LatencyHistogram empty;
  SecondReport r = Second(1, 0, &empty);
  r.oldest_owed_nanos = 1'200'000'000;
  r.measured_answered = 300;
  progress.Report(0, r);
  progress.ThreadDone(0);
  const std::string text = Contents(out);
  EXPECT_NE(text.find("p99 - (oldest 1.20s)"), std::string::npos) << text;
  EXPECT_NE(text.find("done 300/1000"), std::string::npos) << text;
  std::fclose(out);
}

}  // namespace
}  // namespace client
