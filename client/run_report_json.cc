// RunReport's JSON form, built and read with nlohmann::json. Histograms are stored bucket by
// bucket, so a merge of files is exact. Schema 2 differs from schema 1 in one place: a
// histogram's "sum" is a decimal string, because a sum of nanoseconds can pass 2^64 and JSON
// numbers stop being exact there. Schema 3 adds the ledger's origins, lives and schedule counts
// (the ledger is written and read by walking kLedgerFields), the rate, the lower bounds and the
// send lag. Schema 1 and 2 documents are still read (for `client merge`); their ledgers are
// checked by the identities they can satisfy.
#include <cmath>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/run_report.h"
#include "nlohmann/json.hpp"

namespace client {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kSchema[] = "reactor-load-client/3";
constexpr char kSchemaV2[] = "reactor-load-client/2";
constexpr char kSchemaV1[] = "reactor-load-client/1";

std::string Uint128Text(absl::uint128 v) {
  if (v == 0) return "0";
  std::string digits;
  for (; v > 0; v /= 10) digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
  return std::string(digits.rbegin(), digits.rend());
}

// One decimal place is all a reader needs of a rate or a mean, and it keeps the file stable.
double Rounded(double v, double scale) { return std::round(v * scale) / scale; }

Json HistogramJson(const LatencyHistogram::Snapshot& h) {
  Json buckets = Json::array();
  for (const auto& [index, count] : h.buckets) buckets.push_back(Json::array({index, count}));
  return Json{{"unit", "ns"},
              {"sub_bucket_half_bits", LatencyHistogram::kSubBucketHalfBits},
              {"min", h.min},
              {"max", h.max},
              {"sum", Uint128Text(h.sum_nanos)},
              {"overflow_count", h.overflow_count},
              {"overflow_sum", h.overflow_sum_nanos},
              {"buckets", std::move(buckets)}};
}

Json PercentilesJson(const LatencyHistogram& h) {
  return Json{{"count", h.count()},
              {"min_ns", h.min()},
              {"mean_ns", Rounded(h.Mean(), 10)},
              {"stdev_ns", Rounded(h.StdDev(), 10)},
              {"p50_ns", h.ValueAtPercentile(50)},
              {"p90_ns", h.ValueAtPercentile(90)},
              {"p99_ns", h.ValueAtPercentile(99)},
              {"p99_9_ns", h.ValueAtPercentile(99.9)},
              {"p99_99_ns", h.ValueAtPercentile(99.99)},
              {"max_ns", h.max()},
              {"overflow_count", h.overflow_count()}};
}

Json LedgerJson(const Ledger& l) {
  Json j = Json::object();
  for (const LedgerField& field : kLedgerFields) j[std::string(field.name)] = l.*field.member;
  Json connect_failed = Json::object();
  for (int i = 0; i < kConnectFailureCount; ++i) {
    connect_failed[std::string(ConnectFailureName(static_cast<ConnectFailure>(i)))] =
        l.connect_failed[i];
  }
  j["connect_failed"] = std::move(connect_failed);
  j["balanced"] = l.Balanced();
  return j;
}

// `current`: a schema 3 document, which must have every field; older ones lack the newer fields
// (read as 0) and are marked version 1.
void ReadLedger(const Json& j, bool current, Ledger& l) {
  for (const LedgerField& field : kLedgerFields) {
    const std::string name(field.name);
    l.*field.member = current ? j.at(name).get<uint64_t>() : j.value(name, uint64_t{0});
  }
  for (int i = 0; i < kConnectFailureCount; ++i) {
    const std::string name(ConnectFailureName(static_cast<ConnectFailure>(i)));
    l.connect_failed[i] = j.at("connect_failed").at(name).get<uint64_t>();
  }
  l.version = current ? 2 : 1;
}

std::string StatusClassName(size_t i) { return i == 0 ? "other" : absl::StrCat(i, "xx"); }

// A histogram's sum: schema 2 writes a decimal string; schema 1 wrote a number, which the parser
// keeps exact up to 2^64 and approximates past it (only the mean depends on it).
absl::StatusOr<absl::uint128> ReadSum(const Json& sum) {
  absl::uint128 v = 0;
  if (sum.is_string()) {
    if (!absl::SimpleAtoi(sum.get<std::string>(), &v)) {
      return absl::InvalidArgumentError(absl::StrCat("histogram: sum \"", sum.get<std::string>(),
                                                     "\" is not a non-negative integer"));
    }
    return v;
  }
  if (sum.is_number_unsigned()) return absl::uint128(sum.get<uint64_t>());
  if (sum.is_number_float() && sum.get<double>() >= 0) {
    return absl::uint128(static_cast<long double>(sum.get<double>()));
  }
  return absl::InvalidArgumentError("histogram: sum is not a non-negative integer");
}

absl::StatusOr<LatencyHistogram::Snapshot> ReadHistogram(const Json& j) {
  if (j.at("sub_bucket_half_bits").get<int>() != LatencyHistogram::kSubBucketHalfBits ||
      j.at("unit").get<std::string>() != "ns") {
    return absl::InvalidArgumentError("histogram: a different bucket layout or unit");
  }
  LatencyHistogram::Snapshot h;
  h.min = j.at("min").get<int64_t>();
  h.max = j.at("max").get<int64_t>();
  auto sum = ReadSum(j.at("sum"));
  if (!sum.ok()) return sum.status();
  h.sum_nanos = *sum;
  h.overflow_count = j.at("overflow_count").get<uint64_t>();
  h.overflow_sum_nanos = j.at("overflow_sum").get<uint64_t>();
  for (const Json& b : j.at("buckets")) {
    if (!b.is_array() || b.size() != 2) {
      return absl::InvalidArgumentError("histogram: a bucket is not [index, count]");
    }
    h.buckets.emplace_back(b[0].get<uint32_t>(), b[1].get<uint64_t>());
  }
  return h;
}

absl::Status LoadHistogram(const Json& j, LatencyHistogram& into) {
  auto snapshot = ReadHistogram(j);
  if (!snapshot.ok()) return snapshot.status();
  return into.AddSnapshot(*snapshot);
}

// The body of FromJson. nlohmann reports a missing or mistyped member by throwing; the caller
// turns that into a Status, so nothing past this file sees an exception.
absl::StatusOr<RunReport> ReadReport(const Json& d) {
  const std::string schema = d.at("schema").get<std::string>();
  if (schema != kSchema && schema != kSchemaV2 && schema != kSchemaV1) {
    return absl::InvalidArgumentError(absl::StrCat("schema \"", schema, "\" is not ", kSchema,
                                                   " (or ", kSchemaV2, ", ", kSchemaV1, ")"));
  }
  const bool current = schema == kSchema;
  RunReport r;
  for (const auto& [key, value] : d.at("config").items()) r.config[key] = value.get<std::string>();
  // The thresholds the run was judged by (absent before schema 3: the defaults).
  if (auto it = r.config.find("max_error_ratio"); it != r.config.end()) {
    (void)absl::SimpleAtod(it->second, &r.max_error_ratio);
  }
  if (auto it = r.config.find("rate_tolerance"); it != r.config.end()) {
    (void)absl::SimpleAtod(it->second, &r.rate_tolerance);
  }
  r.merged_runs = d.at("merged_runs").get<int>();
  if (current) r.run_starts_unix_nanos = d.at("run_starts_unix_ns").get<std::vector<int64_t>>();
  r.request_quota_met = d.at("request_quota_met").get<bool>();
  LoadStats& s = r.stats;
  const Json& t = d.at("totals");
  s.measured_nanos = t.at("measured_ns").get<int64_t>();
  s.measured_responses = t.at("responses").get<uint64_t>();
  s.bytes_sent = t.at("bytes_sent").get<uint64_t>();
  s.bytes_received = t.at("bytes_received").get<uint64_t>();
  s.open_at_end = t.at("open_connections_at_end").get<uint64_t>();
  s.open_verified_at_end = t.at("open_verified_at_end").get<uint64_t>();
  ReadLedger(d.at("ledger"), current, s.ledger);
  if (current) {
    const Json& rate = d.at("rate");
    s.target_rate = rate.at("target_per_second").get<double>();
    s.measured_sent = rate.at("measured_sent").get<uint64_t>();
    s.in_flight_cap_hits = rate.at("in_flight_cap_hits").get<uint64_t>();
    s.never_connected = t.at("never_connected").get<uint64_t>();
    s.lower_bounds = d.at("lower_bounds").at("count").get<uint64_t>();
    if (s.lower_bounds > 0)
      s.lower_bound_min_nanos = d.at("lower_bounds").at("min_ns").get<int64_t>();
  }
  const Json& h = d.at("histograms");
  if (absl::Status st = LoadHistogram(h.at("corrected"), s.corrected); !st.ok()) return st;
  if (absl::Status st = LoadHistogram(h.at("uncorrected"), s.uncorrected); !st.ok()) return st;
  if (absl::Status st = LoadHistogram(h.at("connect"), s.connect); !st.ok()) return st;
  if (current) {
    if (absl::Status st = LoadHistogram(h.at("send_lag"), s.send_lag); !st.ok()) return st;
  }
  for (const Json& p : d.at("series")) {
    SeriesPoint point;
    point.second = p.at("second").get<int>();
    point.responses = p.at("responses").get<uint64_t>();
    point.errors = p.at("errors").get<uint64_t>();
    point.open_connections = p.at("open_connections").get<uint64_t>();
    point.span_seconds = current ? p.at("span_seconds").get<double>() : 1.0;
    point.warmup = current && p.at("warmup").get<bool>();
    auto snapshot = ReadHistogram(p.at("histogram"));
    if (!snapshot.ok()) return snapshot.status();
    point.latency = *std::move(snapshot);
    r.series.push_back(std::move(point));
  }
  for (const Json& c : d.at("cpu")) {
    s.cpu.push_back(ThreadCpu{c.at("user_ns").get<int64_t>(), c.at("system_ns").get<int64_t>(),
                              c.at("wall_ns").get<int64_t>()});
  }
  for (const auto& [detail, n] : d.at("errors_by_detail").items()) {
    s.errors_by_detail[detail] = n.get<uint64_t>();
  }
  for (size_t i = 0; i < s.status_classes.size(); ++i) {
    s.status_classes[i] = d.at("status_classes").at(StatusClassName(i)).get<uint64_t>();
  }
  for (const Json& note : d.at("limit_notes")) s.limit_notes.insert(note.get<std::string>());
  return r;
}

}  // namespace

std::string RunReport::ToJson() const {
  const LoadStats& s = stats;
  const double seconds = s.measured_nanos / 1e9;
  Json series = Json::array();
  for (const SeriesPoint& p : this->series) {
    LatencyHistogram h;
    (void)h.AddSnapshot(p.latency);  // made from a valid histogram
    series.push_back(Json{{"second", p.second},
                          {"responses", p.responses},
                          {"errors", p.errors},
                          {"open_connections", p.open_connections},
                          {"span_seconds", p.span_seconds},
                          {"warmup", p.warmup},
                          {"p50_ns", h.ValueAtPercentile(50)},
                          {"p99_ns", h.ValueAtPercentile(99)},
                          {"max_ns", h.max()},
                          {"histogram", HistogramJson(p.latency)}});
  }
  Json cpu = Json::array();
  for (const ThreadCpu& c : s.cpu) {
    cpu.push_back(
        Json{{"user_ns", c.user_nanos}, {"system_ns", c.system_nanos}, {"wall_ns", c.wall_nanos}});
  }
  Json status_classes = Json::object();
  for (size_t i = 0; i < s.status_classes.size(); ++i) {
    status_classes[StatusClassName(i)] = s.status_classes[i];
  }
  const Verdict verdict = Evaluate();
  const Json doc = {
      {"schema", kSchema},
      {"config", config},
      {"merged_runs", merged_runs},
      {"run_starts_unix_ns", run_starts_unix_nanos},
      {"request_quota_met", request_quota_met},
      {"totals",
       {{"measured_ns", s.measured_nanos},
        {"responses", s.measured_responses},
        {"requests_per_second", seconds > 0 ? Rounded(s.measured_responses / seconds, 10) : 0},
        {"bytes_sent", s.bytes_sent},
        {"bytes_received", s.bytes_received},
        {"mib_per_second_sent", seconds > 0 ? Rounded(s.bytes_sent / 1048576.0 / seconds, 1e3) : 0},
        {"mib_per_second_received",
         seconds > 0 ? Rounded(s.bytes_received / 1048576.0 / seconds, 1e3) : 0},
        {"open_connections_at_end", s.open_at_end},
        {"open_verified_at_end", s.open_verified_at_end},
        {"never_connected", s.never_connected}}},
      {"ledger", LedgerJson(s.ledger)},
      {"rate",
       {{"target_per_second", s.target_rate},
        {"achieved_per_second", Rounded(AchievedRate(), 10)},
        {"measured_sent", s.measured_sent},
        {"in_flight_cap_hits", s.in_flight_cap_hits}}},
      {"lower_bounds",
       {{"count", s.lower_bounds}, {"min_ns", s.lower_bounds > 0 ? s.lower_bound_min_nanos : 0}}},
      {"latency",
       {{"corrected", PercentilesJson(s.corrected)},
        {"uncorrected", PercentilesJson(s.uncorrected)},
        {"connect", PercentilesJson(s.connect)},
        {"send_lag", PercentilesJson(s.send_lag)}}},
      {"histograms",
       {{"corrected", HistogramJson(s.corrected.ToSnapshot())},
        {"uncorrected", HistogramJson(s.uncorrected.ToSnapshot())},
        {"connect", HistogramJson(s.connect.ToSnapshot())},
        {"send_lag", HistogramJson(s.send_lag.ToSnapshot())}}},
      {"series", std::move(series)},
      {"cpu", std::move(cpu)},
      {"errors_by_detail", s.errors_by_detail},
      {"status_classes", std::move(status_classes)},
      {"limit_notes", s.limit_notes},
      {"verdict", {{"exit_code", verdict.exit_code}, {"reason", verdict.reason}}}};
  // Invalid UTF-8 (an error message echoed from a server) is replaced, not a reason to fail.
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

absl::StatusOr<RunReport> RunReport::FromJson(std::string_view json) {
  try {
    return ReadReport(Json::parse(json));
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("JSON: ", e.what()));
  }
}

}  // namespace client
