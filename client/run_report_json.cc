// RunReport's JSON form: written by hand (the schema is small and fixed) and read back through
// JsonValue for `client merge`. Histograms are stored bucket by bucket, so a merge is exact.
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/json_value.h"
#include "client/run_report.h"

namespace client {
namespace {

// Version 2 added the ledger's origins, lives and schedule counts, the send lag and the lower
// bounds; version 1 documents are still read (their ledgers are checked by the identities they
// can satisfy).
constexpr char kSchema[] = "reactor-load-client/2";
constexpr char kSchemaV1[] = "reactor-load-client/1";

std::string Uint128Text(absl::uint128 v) {
  if (v == 0) return "0";
  std::string digits;
  for (; v > 0; v /= 10) digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
  return std::string(digits.rbegin(), digits.rend());
}

void AppendHistogram(std::string* out, const LatencyHistogram::Snapshot& h) {
  absl::StrAppendFormat(out,
                        "{\"unit\": \"ns\", \"sub_bucket_half_bits\": %d, \"min\": %d, \"max\": "
                        "%d, \"sum\": %s, \"overflow_count\": %d, \"overflow_sum\": %d, "
                        "\"buckets\": [",
                        LatencyHistogram::kSubBucketHalfBits, h.min, h.max,
                        Uint128Text(h.sum_nanos), h.overflow_count, h.overflow_sum_nanos);
  for (size_t i = 0; i < h.buckets.size(); ++i) {
    absl::StrAppendFormat(out, "%s[%d, %d]", i == 0 ? "" : ", ", h.buckets[i].first,
                          h.buckets[i].second);
  }
  absl::StrAppend(out, "]}");
}

void AppendPercentiles(std::string* out, const LatencyHistogram& h) {
  absl::StrAppendFormat(out,
                        "{\"count\": %d, \"min_ns\": %d, \"mean_ns\": %.1f, \"stdev_ns\": %.1f, "
                        "\"p50_ns\": %d, \"p90_ns\": %d, \"p99_ns\": %d, \"p99_9_ns\": %d, "
                        "\"p99_99_ns\": %d, \"max_ns\": %d, \"overflow_count\": %d}",
                        h.count(), h.min(), h.Mean(), h.StdDev(), h.ValueAtPercentile(50),
                        h.ValueAtPercentile(90), h.ValueAtPercentile(99), h.ValueAtPercentile(99.9),
                        h.ValueAtPercentile(99.99), h.max(), h.overflow_count());
}

absl::StatusOr<LatencyHistogram::Snapshot> ReadHistogram(const JsonValue& v) {
  if (!v.is_object()) return absl::InvalidArgumentError("histogram: not an object");
  if (v["sub_bucket_half_bits"].AsInt64() != LatencyHistogram::kSubBucketHalfBits ||
      v["unit"].string_value() != "ns") {
    return absl::InvalidArgumentError("histogram: a different bucket layout or unit");
  }
  LatencyHistogram::Snapshot h;
  h.min = v["min"].AsInt64();
  h.max = v["max"].AsInt64();
  h.sum_nanos = v["sum"].AsUint128();
  h.overflow_count = v["overflow_count"].AsUint64();
  h.overflow_sum_nanos = v["overflow_sum"].AsUint64();
  for (const JsonValue& b : v["buckets"].elements()) {
    if (!b.is_array() || b.elements().size() != 2) {
      return absl::InvalidArgumentError("histogram: a bucket is not [index, count]");
    }
    h.buckets.emplace_back(static_cast<uint32_t>(b.elements()[0].AsUint64()),
                           b.elements()[1].AsUint64());
  }
  return h;
}

absl::Status LoadHistogram(const JsonValue& v, LatencyHistogram& into) {
  auto snapshot = ReadHistogram(v);
  if (!snapshot.ok()) return snapshot.status();
  return into.AddSnapshot(*snapshot);
}

}  // namespace

std::string RunReport::ToJson() const {
  const LoadStats& s = stats;
  const Ledger& l = s.ledger;
  const double seconds = s.measured_nanos / 1e9;
  std::string out = absl::StrCat("{\n  \"schema\": \"", kSchema, "\",\n  \"config\": {");
  bool first = true;
  for (const auto& [key, value] : config) {
    absl::StrAppend(&out, first ? "" : ", ");
    AppendJsonString(&out, key);
    absl::StrAppend(&out, ": ");
    AppendJsonString(&out, value);
    first = false;
  }
  absl::StrAppendFormat(&out, "},\n  \"merged_runs\": %d,\n  \"request_quota_met\": %s,\n",
                        merged_runs, request_quota_met ? "true" : "false");
  absl::StrAppendFormat(
      &out,
      "  \"totals\": {\"measured_ns\": %d, \"responses\": %d, \"requests_per_second\": %.1f, "
      "\"bytes_sent\": %d, \"bytes_received\": %d, \"mib_per_second_sent\": %.3f, "
      "\"mib_per_second_received\": %.3f, \"open_connections_at_end\": %d, "
      "\"open_verified_at_end\": %d},\n",
      s.measured_nanos, s.measured_responses, seconds > 0 ? s.measured_responses / seconds : 0,
      s.bytes_sent, s.bytes_received, seconds > 0 ? s.bytes_sent / 1048576.0 / seconds : 0,
      seconds > 0 ? s.bytes_received / 1048576.0 / seconds : 0, s.open_at_end,
      s.open_verified_at_end);
  absl::StrAppend(&out, "  \"ledger\": {");
  for (const LedgerField& field : kLedgerFields) {
    absl::StrAppendFormat(&out, "\"%s\": %d, ",
                          absl::string_view(field.name.data(), field.name.size()), l.*field.member);
  }
  absl::StrAppend(&out, "\"connect_failed\": {");
  for (int i = 0; i < kConnectFailureCount; ++i) {
    const std::string_view name = ConnectFailureName(static_cast<ConnectFailure>(i));
    absl::StrAppendFormat(&out, "%s\"%s\": %d", i == 0 ? "" : ", ",
                          absl::string_view(name.data(), name.size()), l.connect_failed[i]);
  }
  absl::StrAppendFormat(&out, "}, \"balanced\": %s},\n", l.Balanced() ? "true" : "false");
  absl::StrAppendFormat(&out,
                        "  \"rate\": {\"target_per_second\": %.3f, \"achieved_per_second\": "
                        "%.3f, \"measured_sent\": %d, \"in_flight_cap_hits\": %d},\n",
                        s.target_rate, seconds > 0 ? s.measured_sent / seconds : 0, s.measured_sent,
                        s.in_flight_cap_hits);
  absl::StrAppendFormat(&out, "  \"lower_bounds\": {\"count\": %d, \"min_ns\": %d},\n",
                        s.lower_bounds, s.lower_bounds > 0 ? s.lower_bound_min_nanos : 0);
  absl::StrAppend(&out, "  \"latency\": {\"corrected\": ");
  AppendPercentiles(&out, s.corrected);
  absl::StrAppend(&out, ",\n              \"uncorrected\": ");
  AppendPercentiles(&out, s.uncorrected);
  absl::StrAppend(&out, ",\n              \"connect\": ");
  AppendPercentiles(&out, s.connect);
  absl::StrAppend(&out, ",\n              \"send_lag\": ");
  AppendPercentiles(&out, s.send_lag);
  absl::StrAppend(&out, "},\n  \"histograms\": {\"corrected\": ");
  AppendHistogram(&out, s.corrected.ToSnapshot());
  absl::StrAppend(&out, ",\n                 \"uncorrected\": ");
  AppendHistogram(&out, s.uncorrected.ToSnapshot());
  absl::StrAppend(&out, ",\n                 \"connect\": ");
  AppendHistogram(&out, s.connect.ToSnapshot());
  absl::StrAppend(&out, ",\n                 \"send_lag\": ");
  AppendHistogram(&out, s.send_lag.ToSnapshot());
  absl::StrAppend(&out, "},\n  \"series\": [");
  for (size_t i = 0; i < series.size(); ++i) {
    const SeriesPoint& p = series[i];
    LatencyHistogram h;
    (void)h.AddSnapshot(p.latency);  // made from a valid histogram
    absl::StrAppendFormat(&out,
                          "%s\n    {\"second\": %d, \"responses\": %d, \"errors\": %d, "
                          "\"open_connections\": %d, \"p50_ns\": %d, \"p99_ns\": %d, "
                          "\"max_ns\": %d, \"histogram\": ",
                          i == 0 ? "" : ",", p.second, p.responses, p.errors, p.open_connections,
                          h.ValueAtPercentile(50), h.ValueAtPercentile(99), h.max());
    AppendHistogram(&out, p.latency);
    absl::StrAppend(&out, "}");
  }
  absl::StrAppend(&out, "],\n  \"cpu\": [");
  for (size_t i = 0; i < s.cpu.size(); ++i) {
    absl::StrAppendFormat(&out, "%s{\"user_ns\": %d, \"system_ns\": %d, \"wall_ns\": %d}",
                          i == 0 ? "" : ", ", s.cpu[i].user_nanos, s.cpu[i].system_nanos,
                          s.cpu[i].wall_nanos);
  }
  absl::StrAppend(&out, "],\n  \"errors_by_detail\": {");
  first = true;
  for (const auto& [detail, n] : s.errors_by_detail) {
    absl::StrAppend(&out, first ? "" : ", ");
    AppendJsonString(&out, detail);
    absl::StrAppend(&out, ": ", n);
    first = false;
  }
  absl::StrAppend(&out, "},\n  \"status_classes\": {");
  for (size_t i = 0; i < s.status_classes.size(); ++i) {
    absl::StrAppendFormat(&out, "%s\"%s\": %d", i == 0 ? "" : ", ",
                          i == 0 ? std::string("other") : absl::StrCat(i, "xx"),
                          s.status_classes[i]);
  }
  absl::StrAppend(&out, "},\n  \"limit_notes\": [");
  first = true;
  for (const std::string& note : s.limit_notes) {
    absl::StrAppend(&out, first ? "" : ", ");
    AppendJsonString(&out, note);
    first = false;
  }
  const Verdict verdict = Evaluate();
  absl::StrAppendFormat(&out,
                        "],\n  \"verdict\": {\"exit_code\": %d, \"reason\": ", verdict.exit_code);
  AppendJsonString(&out, verdict.reason);
  absl::StrAppend(&out, "}\n}\n");
  return out;
}

absl::StatusOr<RunReport> RunReport::FromJson(std::string_view json) {
  auto doc = JsonValue::Parse(json);
  if (!doc.ok()) return doc.status();
  const JsonValue& d = *doc;
  const bool v1 = d["schema"].string_value() == kSchemaV1;
  if (!v1 && d["schema"].string_value() != kSchema) {
    return absl::InvalidArgumentError(absl::StrCat("not a ", kSchema, " document"));
  }
  RunReport r;
  for (const auto& [key, value] : d["config"].members()) r.config[key] = value.string_value();
  // The thresholds the run was judged by (absent from version 1: its defaults).
  if (auto it = r.config.find("max_error_ratio"); it != r.config.end()) {
    (void)absl::SimpleAtod(it->second, &r.max_error_ratio);
  }
  if (auto it = r.config.find("rate_tolerance"); it != r.config.end()) {
    (void)absl::SimpleAtod(it->second, &r.rate_tolerance);
  }
  r.merged_runs = static_cast<int>(d["merged_runs"].AsInt64());
  r.request_quota_met = d["request_quota_met"].bool_value();
  LoadStats& s = r.stats;
  const JsonValue& t = d["totals"];
  s.measured_nanos = t["measured_ns"].AsInt64();
  s.measured_responses = t["responses"].AsUint64();
  s.bytes_sent = t["bytes_sent"].AsUint64();
  s.bytes_received = t["bytes_received"].AsUint64();
  s.open_at_end = t["open_connections_at_end"].AsUint64();
  s.open_verified_at_end = t["open_verified_at_end"].AsUint64();
  const JsonValue& l = d["ledger"];
  Ledger& g = s.ledger;
  for (const LedgerField& field : kLedgerFields)
    g.*field.member = l[std::string(field.name)].AsUint64();
  for (int i = 0; i < kConnectFailureCount; ++i) {
    const std::string_view name = ConnectFailureName(static_cast<ConnectFailure>(i));
    g.connect_failed[i] = l["connect_failed"][std::string(name)].AsUint64();
  }
  g.version = v1 ? 1 : 2;
  const JsonValue& rate = d["rate"];
  s.target_rate = rate["target_per_second"].AsDouble();
  s.measured_sent = rate["measured_sent"].AsUint64();
  s.in_flight_cap_hits = rate["in_flight_cap_hits"].AsUint64();
  s.lower_bounds = d["lower_bounds"]["count"].AsUint64();
  if (s.lower_bounds > 0) s.lower_bound_min_nanos = d["lower_bounds"]["min_ns"].AsInt64();
  const JsonValue& h = d["histograms"];
  if (absl::Status st = LoadHistogram(h["corrected"], s.corrected); !st.ok()) return st;
  if (absl::Status st = LoadHistogram(h["uncorrected"], s.uncorrected); !st.ok()) return st;
  if (absl::Status st = LoadHistogram(h["connect"], s.connect); !st.ok()) return st;
  if (!v1) {
    if (absl::Status st = LoadHistogram(h["send_lag"], s.send_lag); !st.ok()) return st;
  }
  for (const JsonValue& p : d["series"].elements()) {
    SeriesPoint point;
    point.second = static_cast<int>(p["second"].AsInt64());
    point.responses = p["responses"].AsUint64();
    point.errors = p["errors"].AsUint64();
    point.open_connections = p["open_connections"].AsUint64();
    auto snapshot = ReadHistogram(p["histogram"]);
    if (!snapshot.ok()) return snapshot.status();
    point.latency = *std::move(snapshot);
    r.series.push_back(std::move(point));
  }
  for (const JsonValue& c : d["cpu"].elements()) {
    s.cpu.push_back(
        ThreadCpu{c["user_ns"].AsInt64(), c["system_ns"].AsInt64(), c["wall_ns"].AsInt64()});
  }
  for (const auto& [detail, n] : d["errors_by_detail"].members()) {
    s.errors_by_detail[detail] = n.AsUint64();
  }
  for (size_t i = 0; i < s.status_classes.size(); ++i) {
    s.status_classes[i] =
        d["status_classes"][i == 0 ? std::string("other") : absl::StrCat(i, "xx")].AsUint64();
  }
  for (const JsonValue& note : d["limit_notes"].elements()) {
    s.limit_notes.insert(note.string_value());
  }
  return r;
}

}  // namespace client
