// Tests for PrometheusText: every family once with HELP and TYPE, one series per loop with the
// right labels and values, cumulative histogram buckets ending in +Inf, and a text that
// Prometheus's own checker (promtool check metrics) accepts.
#include "server/prometheus_text.h"

#include <stdio.h>
#include <sys/wait.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace server {
namespace {

using reactor::ServerStats;

std::vector<ServerStats> TwoLoops() {
  std::vector<ServerStats> loops(2);
  loops[0].requests_processed = 7;
  loops[1].requests_processed = 11;
  loops[0].connections_accepted = 3;
  loops[1].connections_closed_by_peer = 2;
  loops[1].listener.dropped_for_fds = 4;
  loops[0].output_buffered_bytes = 4096;
  loops[0].loop_iteration_nanos.Record(3'000);          // <= 5 us
  loops[0].loop_iteration_nanos.Record(40'000);         // <= 50 us
  loops[0].loop_iteration_nanos.Record(2'000'000'000);  // over 1 s: +Inf only
  loops[1].loop_requests_per_wakeup.Record(16);
  return loops;
}

// The value of the series with exactly this name and label set.
std::map<std::string, std::string> Series(const std::string& text) {
  std::map<std::string, std::string> series;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    series[std::string(line.substr(0, space))] = std::string(line.substr(space + 1));
  }
  return series;
}

TEST(PrometheusTextTest, OneSeriesPerLoopWithItsLabels) {
  const std::string text = PrometheusText(TwoLoops(), "resp");
  const auto series = Series(text);
  EXPECT_EQ(series.at(R"(requests_total{loop="0",protocol="resp"})"), "7");
  EXPECT_EQ(series.at(R"(requests_total{loop="1",protocol="resp"})"), "11");
  EXPECT_EQ(series.at(R"(protocol_errors_total{loop="1",protocol="resp"})"), "0");
  EXPECT_EQ(series.at(R"(connections_accepted_total{loop="0"})"), "3");
  EXPECT_EQ(series.at(R"(connections_closed_total{loop="1",reason="peer"})"), "2");
  EXPECT_EQ(series.at(R"(connections_refused_total{loop="1",reason="no_fds"})"), "4");
  EXPECT_EQ(series.at(R"(output_buffered_bytes{loop="0"})"), "4096");
  EXPECT_EQ(series.count(R"(connections_open{loop="1"})"), 1u);
}

TEST(PrometheusTextTest, EveryFamilyHasOneHelpAndOneType) {
  const std::string text = PrometheusText(TwoLoops(), "http");
  std::map<std::string, int> help;
  std::map<std::string, std::string> type;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const std::vector<std::string> words = absl::StrSplit(line, ' ');
    if (words[0] != "#") continue;
    if (words[1] == "HELP") ++help[words[2]];
    if (words[1] == "TYPE") {
      EXPECT_EQ(type.count(words[2]), 0u) << words[2];
      type[words[2]] = words[3];
    }
  }
  for (const reactor::StatField& field : reactor::StatFields()) {
    EXPECT_EQ(help[std::string(field.family)], 1) << field.family;
  }
  EXPECT_EQ(type["connections_closed_total"], "counter");
  EXPECT_EQ(type["connections_open"], "gauge");
  EXPECT_EQ(type["event_loop_iteration_seconds"], "histogram");
  EXPECT_EQ(type["event_loop_requests_per_wakeup"], "histogram");
}

TEST(PrometheusTextTest, HistogramBucketsAreCumulativeInSecondsAndEndInInf) {
  const auto series = Series(PrometheusText(TwoLoops(), "resp"));
  const std::string loop0 = R"(event_loop_iteration_seconds_bucket{loop="0",le=")";
  EXPECT_EQ(series.at(loop0 + R"(0.000005"})"), "1");
  EXPECT_EQ(series.at(loop0 + R"(0.00001"})"), "1");
  EXPECT_EQ(series.at(loop0 + R"(0.00005"})"), "2");
  EXPECT_EQ(series.at(loop0 + R"(1"})"), "2");
  EXPECT_EQ(series.at(loop0 + R"(+Inf"})"), "3");
  EXPECT_EQ(series.at(R"(event_loop_iteration_seconds_count{loop="0"})"), "3");
  EXPECT_EQ(series.at(R"(event_loop_iteration_seconds_sum{loop="0"})"), "2.000043");
  EXPECT_EQ(series.at(R"(event_loop_requests_per_wakeup_bucket{loop="1",le="8"})"), "0");
  EXPECT_EQ(series.at(R"(event_loop_requests_per_wakeup_bucket{loop="1",le="16"})"), "1");
  EXPECT_EQ(series.at(R"(event_loop_requests_per_wakeup_sum{loop="1"})"), "16");
}

// promtool reads the text on stdin and exits 0 only if it is valid and follows the naming
// conventions it lints.
TEST(PrometheusTextTest, PromtoolAcceptsIt) {
  const std::string path = ::testing::TempDir() + "/metrics.txt";
  FILE* file = fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  const std::string text = PrometheusText(TwoLoops(), "resp");
  fwrite(text.data(), 1, text.size(), file);
  fclose(file);
  auto promtool = reactor_testing::Subprocess::Start(
      "/bin/sh", {"-c", "exec promtool check metrics < " + path});
  ASSERT_NE(promtool, nullptr);
  const std::optional<int> status = promtool->Wait(absl::Seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "promtool (install: scripts/setup.sh) said:\n"
      << promtool->stdout_text() << promtool->stderr_text();
}

}  // namespace
}  // namespace server
