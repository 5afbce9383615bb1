// The client's output files, from a real run of //client:client against //server:server: the
// .hgrm distributions agree with the JSON's percentiles, and `client merge` writes the same
// distributions from saved files.
#include <cmath>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/client/client_process_testing.h"
#include "tests/support/subprocess.h"

namespace {

using client_testing::ReadFile;
using client_testing::RunClient;
using client_testing::TempPath;

struct HgrmRow {
  double percentile;  // 0 to 1
  int64_t value_nanos;
  uint64_t total_count;
};

std::vector<HgrmRow> ParseHgrmRows(const std::string& text) {
  std::vector<HgrmRow> rows;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    double value_ms = 0;
    HgrmRow row{};
    std::istringstream in{std::string(line)};
    if (line.empty() || line[0] == '#' || !(in >> value_ms >> row.percentile >> row.total_count)) {
      continue;  // the header, the blank line and the footer
    }
    row.value_nanos = std::llround(value_ms * 1e6);
    rows.push_back(row);
  }
  return rows;
}

// The value HdrHistogram's rows give for a percentile: exact where a row sits at that level;
// otherwise bracketed by the rows on either side.
void ExpectHgrmAgrees(const std::vector<HgrmRow>& rows, double percentile, int64_t json_value,
                      const std::string& what) {
  const HgrmRow* below = nullptr;
  const HgrmRow* above = nullptr;
  for (const HgrmRow& r : rows) {
    if (std::abs(r.percentile * 100 - percentile) < 1e-9) {
      EXPECT_EQ(r.value_nanos, json_value) << what << " p" << percentile;
      return;
    }
    if (r.percentile * 100 < percentile) below = &r;
    if (r.percentile * 100 > percentile && above == nullptr) above = &r;
  }
  ASSERT_TRUE(below != nullptr && above != nullptr) << what << " p" << percentile;
  EXPECT_LE(below->value_nanos, json_value) << what << " p" << percentile;
  EXPECT_GE(above->value_nanos, json_value) << what << " p" << percentile;
}

void ExpectHgrmMatchesJson(const std::string& hgrm, const nlohmann::json& latency,
                           const std::string& what) {
  const std::vector<HgrmRow> rows = ParseHgrmRows(hgrm);
  ASSERT_GT(rows.size(), 10u) << what << ":\n" << hgrm;
  ExpectHgrmAgrees(rows, 50, latency.at("p50_ns").get<int64_t>(), what);
  ExpectHgrmAgrees(rows, 90, latency.at("p90_ns").get<int64_t>(), what);
  ExpectHgrmAgrees(rows, 99, latency.at("p99_ns").get<int64_t>(), what);
  ExpectHgrmAgrees(rows, 99.9, latency.at("p99_9_ns").get<int64_t>(), what);
  ExpectHgrmAgrees(rows, 99.99, latency.at("p99_99_ns").get<int64_t>(), what);
  // The 0% row is the top of the min's bucket (HdrHistogram's rule): within 1/1024 of the min.
  const int64_t min = latency.at("min_ns").get<int64_t>();
  EXPECT_GE(rows.front().value_nanos, min) << what;
  EXPECT_LE(rows.front().value_nanos, min + min / 1024) << what;
  EXPECT_EQ(rows.back().value_nanos, latency.at("max_ns").get<int64_t>()) << what;
  EXPECT_EQ(rows.back().total_count, latency.at("count").get<uint64_t>()) << what;
  std::smatch mean;
  ASSERT_TRUE(std::regex_search(hgrm, mean, std::regex(R"(#\[Mean    = +([0-9.]+),)"))) << hgrm;
  EXPECT_NEAR(std::stod(mean[1].str()) * 1e6, latency.at("mean_ns").get<double>(), 1.0) << what;
}

// One fixed-rate run with a warm-up, shared by the tests: fixed rate so that the corrected and
// uncorrected distributions are different histograms.
class ClientOutputsTest : public client_testing::EchoServerSuite {
 protected:
  static void SetUpTestSuite() {
    StartSuiteServer();
    RunClient({"--target=" + target(), "--protocol=echo", "--connections=8", "--rate=2000/s",
               "--warmup=1s", "--duration=3s", "--progress=false", "--json=" + TempPath("run.json"),
               "--hgrm=" + TempPath("run.hgrm"),
               "--hgrm_uncorrected=" + TempPath("run_uncorrected.hgrm")});
  }

  static nlohmann::json Json(const std::string& name) {
    return nlohmann::json::parse(ReadFile(TempPath(name)));
  }
};

TEST_F(ClientOutputsTest, HgrmPercentilesMatchTheJson) {
  const nlohmann::json run = Json("run.json");
  ExpectHgrmMatchesJson(ReadFile(TempPath("run.hgrm")), run.at("latency").at("corrected"),
                        "corrected");
  ExpectHgrmMatchesJson(ReadFile(TempPath("run_uncorrected.hgrm")),
                        run.at("latency").at("uncorrected"), "uncorrected");
  EXPECT_GT(run.at("latency").at("corrected").at("count").get<uint64_t>(), 1000u);
}

TEST_F(ClientOutputsTest, MergeWritesTheMergedDistribution) {
  RunClient({"merge", TempPath("run.json"), TempPath("run.json"),
             "--json=" + TempPath("merged.json"), "--hgrm=" + TempPath("merged.hgrm")});
  const nlohmann::json run = Json("run.json");
  const nlohmann::json merged = Json("merged.json");
  const nlohmann::json& latency = merged.at("latency").at("corrected");
  EXPECT_EQ(latency.at("count").get<uint64_t>(),
            2 * run.at("latency").at("corrected").at("count").get<uint64_t>());
  // The same values twice: the same percentiles.
  EXPECT_EQ(latency.at("p99_ns"), run.at("latency").at("corrected").at("p99_ns"));
  ExpectHgrmMatchesJson(ReadFile(TempPath("merged.hgrm")), latency, "merged");
}

}  // namespace
