// RunReport: the JSON form reads back exactly, merging files equals merging results, and the
// verdict picks the right exit status.
#include "client/run_report.h"

#include "gtest/gtest.h"

namespace client {
namespace {

RunReport Sample(int seed) {
  RunReport r;
  r.config = {{"target", "127.0.0.1:1"}, {"connections", "10"}, {"protocol", "echo"}};
  for (int i = 1; i <= 1000; ++i) {
    r.stats.corrected.Record(i * 1000 * seed);
    r.stats.uncorrected.Record(i * 900 * seed);
  }
  r.stats.connect.Record(50'000);
  // A histogram sum past 2^64 ns must survive the JSON form exactly.
  r.stats.uncorrected.RecordN(LatencyHistogram::kMaxTrackableNanos - 1, uint64_t{1} << 24);
  Ledger& l = r.stats.ledger;
  l.attempted = l.connected = l.initial_connects = l.closed_at_end = 10;
  l.sent = 1000;
  l.ok = 1000;
  r.stats.open_at_end = 10;
  r.stats.measured_responses = 1000;
  r.stats.measured_nanos = 1'000'000'000;
  r.stats.errors_by_detail["-ERR \"quoted\"\n"] = 3;
  r.stats.status_classes[2] = 1000;
  r.stats.cpu.push_back({1, 2, 3});
  SeriesPoint p;
  p.second = 1;
  p.responses = 1000;
  p.latency = r.stats.corrected.ToSnapshot();
  r.series.push_back(p);
  return r;
}

TEST(RunReportTest, JsonRoundTripIsExact) {
  const RunReport a = Sample(1);
  auto back = RunReport::FromJson(a.ToJson());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->stats.corrected == a.stats.corrected);
  EXPECT_TRUE(back->stats.uncorrected == a.stats.uncorrected);
  EXPECT_TRUE(back->stats.connect == a.stats.connect);
  EXPECT_EQ(back->stats.ledger.sent, 1000u);
  EXPECT_EQ(back->stats.ledger.closed_at_end, 10u);
  EXPECT_EQ(back->stats.errors_by_detail, a.stats.errors_by_detail);
  EXPECT_EQ(back->stats.status_classes, a.stats.status_classes);
  EXPECT_EQ(back->config, a.config);
  ASSERT_EQ(back->series.size(), 1u);
  EXPECT_EQ(back->series[0].latency.buckets, a.series[0].latency.buckets);
  EXPECT_EQ(back->ToJson(), a.ToJson());
}

TEST(RunReportTest, MergingFilesEqualsMergingResults) {
  RunReport direct = Sample(1);
  direct.Merge(Sample(3));
  auto a = RunReport::FromJson(Sample(1).ToJson());
  auto b = RunReport::FromJson(Sample(3).ToJson());
  ASSERT_TRUE(a.ok() && b.ok());
  a->Merge(*b);
  EXPECT_TRUE(a->stats.corrected == direct.stats.corrected);
  EXPECT_EQ(a->stats.corrected.count(), 2000u);
  EXPECT_EQ(a->merged_runs, 2);
  EXPECT_EQ(a->config["connections"], "20");
  EXPECT_EQ(a->stats.ledger.ok, 2000u);
  EXPECT_EQ(a->series[0].responses, 2000u);
  EXPECT_EQ(a->ToJson(), direct.ToJson());
}

TEST(RunReportTest, RejectsOtherDocuments) {
  EXPECT_FALSE(RunReport::FromJson("{}").ok());
  EXPECT_FALSE(RunReport::FromJson("not json").ok());
  EXPECT_FALSE(RunReport::FromJson(R"({"schema": "reactor-load-client/9"})").ok());
}

TEST(RunReportTest, ABadMemberIsNamedByItsPath) {
  std::string json = Sample(1).ToJson();
  const std::string sent = "\"sent\": 1000";
  const size_t at = json.find(sent);
  ASSERT_NE(at, std::string::npos);
  json.replace(at, sent.size(), "\"sent\": \"many\"");
  auto back = RunReport::FromJson(json);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("/ledger/sent"), std::string_view::npos) << back.status();
}

TEST(RunReportTest, CountsNear2To64AreExact) {
  RunReport a = Sample(1);
  a.stats.ledger.sent = UINT64_MAX;
  a.stats.bytes_received = UINT64_MAX - 1;
  auto back = RunReport::FromJson(a.ToJson());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->stats.ledger.sent, UINT64_MAX);
  EXPECT_EQ(back->stats.bytes_received, UINT64_MAX - 1);
}

// Files written before schema 2 (histogram sums as numbers) still merge.
TEST(RunReportTest, ReadsSchema1) {
  const std::string histogram =
      R"({"unit": "ns", "sub_bucket_half_bits": 10, "min": 1000, "max": 3000, "sum": 6000,
          "overflow_count": 0, "overflow_sum": 0, "buckets": [[1000, 1], [2000, 1], [2523, 1]]})";
  const std::string doc = R"({"schema": "reactor-load-client/1", "config": {"connections": "2"},
    "merged_runs": 1, "request_quota_met": false,
    "totals": {"measured_ns": 1000000000, "responses": 3, "requests_per_second": 3.0,
               "bytes_sent": 18446744073709551615, "bytes_received": 192,
               "mib_per_second_sent": 0.0, "mib_per_second_received": 0.0,
               "open_connections_at_end": 2, "open_verified_at_end": 2},
    "ledger": {"attempted": 2, "connected": 2, "connect_failed": {"ECONNREFUSED": 0, "ETIMEDOUT": 0,
               "EADDRNOTAVAIL": 0, "EMFILE": 0, "other": 0}, "connecting_at_end": 0,
               "closed_by_peer": 0, "reset_by_peer": 0, "closed_malformed": 0, "reconnects": 0,
               "sent": 3, "ok": 3, "error_replies": 0, "mismatched": 0, "reset": 0, "eof": 0,
               "timed_out": 0, "in_flight_at_end": 0, "late": 0, "balanced": true},
    "latency": {},
    "histograms": {"corrected": )" +
                          histogram + R"(, "uncorrected": )" + histogram + R"(, "connect": )" +
                          histogram + R"(},
    "series": [{"second": 1, "responses": 3, "errors": 0, "open_connections": 2, "p50_ns": 2000,
                "p99_ns": 3000, "max_ns": 3000, "histogram": )" +
                          histogram + R"(}],
    "cpu": [{"user_ns": 1, "system_ns": 2, "wall_ns": 3}], "errors_by_detail": {},
    "status_classes": {"other": 0, "1xx": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0},
    "limit_notes": [], "verdict": {"exit_code": 0, "reason": "ok"}})";
  auto r = RunReport::FromJson(doc);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stats.bytes_sent, UINT64_MAX);
  EXPECT_EQ(r->stats.corrected.count(), 3u);
  EXPECT_DOUBLE_EQ(r->stats.corrected.Mean(), 2000.0);
  EXPECT_EQ(r->stats.corrected.max(), 3000);
  ASSERT_EQ(r->series.size(), 1u);
  EXPECT_EQ(r->series[0].latency.sum_nanos, 6000u);
  EXPECT_EQ(r->config["connections"], "2");
  EXPECT_EQ(r->Evaluate().exit_code, kExitOk);
}

TEST(RunReportTest, VerdictNamesTheReason) {
  RunReport r = Sample(1);
  EXPECT_EQ(r.Evaluate().exit_code, kExitOk);
  r.stats.ledger.ok -= 1;
  r.stats.ledger.mismatched += 1;
  EXPECT_EQ(r.Evaluate().exit_code, kExitMismatch);
  r = Sample(1);
  r.stats.ledger.ok += 1;
  EXPECT_EQ(r.Evaluate().exit_code, kExitUnbalanced);
  r = Sample(1);
  r.stats.open_at_end = 0;
  EXPECT_EQ(r.Evaluate().exit_code, kExitAllConnectionsLost);
  r = Sample(1);
  r.stats.ledger.connected = 0;
  r.stats.ledger.attempted = 0;
  r.stats.ledger.initial_connects = 0;
  r.stats.ledger.closed_at_end = 0;
  EXPECT_EQ(r.Evaluate().exit_code, kExitNoConnection);
  // Each failure with its own code, and the reason names what to look at.
  r = Sample(1);
  r.stats.ledger.ok -= 2;
  r.stats.ledger.timed_out += 1;
  r.stats.ledger.error_replies += 1;
  Verdict v = r.Evaluate();
  EXPECT_EQ(v.exit_code, kExitErrors);
  EXPECT_NE(v.reason.find("2 of 1000 requests failed"), std::string::npos) << v.reason;
  r.max_error_ratio = 0.002;
  EXPECT_EQ(r.Evaluate().exit_code, kExitOk);
  r = Sample(1);
  r.stats.target_rate = 1000;
  r.stats.measured_sent = 989;  // in 1 s: 1.1% short
  v = r.Evaluate();
  EXPECT_EQ(v.exit_code, kExitRateShortfall);
  EXPECT_NE(v.reason.find("--rate_tolerance"), std::string::npos) << v.reason;
  r.stats.measured_sent = 991;
  EXPECT_EQ(r.Evaluate().exit_code, kExitOk);
  r = Sample(1);
  r.stats.never_connected = 1;
  EXPECT_EQ(r.Evaluate().exit_code, kExitNotAllConnected);
  r = Sample(1);
  r.stats.limit_notes.insert("ephemeral ports");
  v = r.Evaluate();
  EXPECT_EQ(v.exit_code, kExitLimit);
  EXPECT_NE(v.reason.find("ephemeral ports"), std::string::npos) << v.reason;
}

TEST(RunReportTest, MergeSumsWhatAddsUpAcrossConcurrentRuns) {
  // Threads and fractional rates add up too (they were kept only where equal, or summed as
  // integers); each run's wall-clock start is kept.
  RunReport a = Sample(1);
  a.config["threads"] = "2";
  a.config["rate"] = "1500.5";
  a.run_starts_unix_nanos = {100};
  RunReport b = Sample(1);
  b.config["threads"] = "1";
  b.config["rate"] = "2000.25";
  b.run_starts_unix_nanos = {200};
  auto b_back = RunReport::FromJson(b.ToJson());
  ASSERT_TRUE(b_back.ok()) << b_back.status();
  a.Merge(*b_back);
  EXPECT_EQ(a.config["threads"], "3");
  EXPECT_EQ(a.config["rate"], "3500.75");
  EXPECT_EQ(a.config["connections"], "20");
  EXPECT_EQ(a.run_starts_unix_nanos, (std::vector<int64_t>{100, 200}));
}

// A schema-2 document was written by a client that closed its connections at the end without
// waiting for the replies in flight: those requests were cut by the end, not failed, and the run
// exited 0. Judged again (by `client merge` or `client report`), it must not fail for them.
TEST(RunReportTest, AnOlderDocumentsRequestsCutAtTheEndAreNotFailures) {
  RunReport old = Sample(1);
  old.stats.ledger.sent += 8;
  old.stats.ledger.in_flight_at_end = 8;
  std::string json = old.ToJson();
  const std::string v3 = "reactor-load-client/3";
  json.replace(json.find(v3), v3.size(), "reactor-load-client/2");
  auto r = RunReport::FromJson(json);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->FailedRequests(), 0u);
  EXPECT_EQ(r->Evaluate().exit_code, kExitOk) << r->Evaluate().reason;
  RunReport merged = *r;
  merged.Merge(*r);
  EXPECT_EQ(merged.Evaluate().exit_code, kExitOk) << merged.Evaluate().reason;
  // Its real failures still count.
  r->stats.ledger.in_flight_at_end -= 1;
  r->stats.ledger.timed_out += 1;
  EXPECT_EQ(r->Evaluate().exit_code, kExitErrors);
  // A current document's requests unanswered at the end did get the drain's wait: failed.
  auto current = RunReport::FromJson(old.ToJson());
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(current->Evaluate().exit_code, kExitErrors);
}

TEST(RunReportTest, ReadsVersionOneDocuments) {
  // Written before the ledger counted initial connects and connection ends.
  std::string json = Sample(1).ToJson();
  const std::string v3 = "reactor-load-client/3";
  json.replace(json.find(v3), v3.size(), "reactor-load-client/1");
  auto r = RunReport::FromJson(json);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stats.ledger.version, 1);
  r->stats.ledger.closed_at_end = 0;  // not in such a document
  EXPECT_TRUE(r->stats.ledger.Balanced());
  RunReport merged = Sample(2);
  merged.Merge(*r);
  EXPECT_EQ(merged.stats.ledger.version, 1);
}

}  // namespace
}  // namespace client
