// RunLoad: threads, shares and the merge.
#include "client/load_run.h"

#include <sys/resource.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/codec_factory.h"
#include "client/load_generator.h"
#include "client/progress_reporter.h"
#include "client/source_address_plan.h"

namespace client {
namespace {

std::string DurationText(absl::Duration d) {
  return d == absl::ZeroDuration() ? "0" : absl::FormatDuration(d);
}

std::map<std::string, std::string> ConfigOf(const ClientOptions& o) {
  std::map<std::string, std::string> c;
  c["target"] = o.target.ToString();
  c["protocol"] = std::string(ClientProtocolName(o.protocol));
  c["connections"] = absl::StrCat(o.connections);
  c["threads"] = absl::StrCat(o.threads);
  c["duration"] = DurationText(o.duration);
  c["requests"] = absl::StrCat(o.requests);
  c["warmup"] = DurationText(o.warmup);
  c["message_bytes"] = absl::StrCat(o.message_bytes);
  c["pipeline"] = absl::StrCat(o.pipeline);
  c["rate"] = absl::StrCat(o.rate);
  c["max_in_flight"] = absl::StrCat(o.max_in_flight);
  c["drain"] = DurationText(o.drain);
  c["close_wait"] = DurationText(o.close_wait);
  c["max_error_ratio"] = absl::StrCat(o.max_error_ratio);
  c["rate_tolerance"] = absl::StrCat(o.rate_tolerance);
  c["connect_rate"] = absl::StrCat(o.connect_rate);
  c["connect_timeout"] = DurationText(o.connect_timeout);
  c["timeout"] = DurationText(o.timeout);
  c["reconnect"] = o.reconnect ? "true" : "false";
  c["source_addresses"] = absl::StrCat(o.source_addresses.size());
  if (o.protocol == ClientProtocol::kResp) c["command"] = o.command;
  if (o.protocol == ClientProtocol::kHttp) c["path"] = o.path;
  return c;
}

}  // namespace

uint64_t RaiseFdLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) < 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return raised.rlim_cur;
  }
  return limit.rlim_cur;
}

absl::StatusOr<RunReport> RunLoad(const ClientOptions& requested, const std::atomic<bool>* stop,
                                  std::FILE* progress_out) {
  if (absl::Status s = requested.Validate(); !s.ok()) return s;
  auto plan = PlanSourceAddresses(requested, EphemeralPortCount());
  if (!plan.ok()) return plan.status();
  ClientOptions options = requested;
  options.source_addresses = plan->addresses;
  std::vector<std::unique_ptr<RequestCodec>> codecs;
  ProgressReporter progress(options.threads, progress_out,
                            RunBounds{options.warmup, options.duration, options.requests});
  std::vector<std::unique_ptr<LoadGenerator>> generators;
  for (int t = 0; t < options.threads; ++t) {
    auto codec = MakeCodec(options);
    if (!codec.ok()) return codec.status();
    codecs.push_back(*std::move(codec));
    ThreadShare share;
    share.thread = t;
    share.stop = stop;
    // Round-robin, so source addresses and payload phases are spread over threads evenly too.
    for (int c = t; c < options.connections; c += options.threads) share.slots.push_back(c);
    const double fraction = static_cast<double>(share.slots.size()) / options.connections;
    share.rate = options.rate * fraction;
    share.connect_rate = options.connect_rate * fraction;
    if (options.requests > 0) {
      share.request_quota = options.requests / options.threads +
                            (static_cast<uint64_t>(t) < options.requests % options.threads ? 1 : 0);
    }
    generators.push_back(
        std::make_unique<LoadGenerator>(options, *codecs.back(), std::move(share), &progress));
  }
  const int64_t started_unix_nanos = absl::ToUnixNanos(absl::Now());
  std::vector<absl::Status> results(options.threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) {
    threads.emplace_back([&, t] { results[t] = generators[t]->Run(); });
  }
  for (auto& thread : threads) thread.join();

  RunReport report;
  report.config = ConfigOf(options);
  report.run_starts_unix_nanos.push_back(started_unix_nanos);
  if (!plan->explanation.empty()) {
    report.config["source_addresses"] =
        absl::StrCat(options.source_addresses.size(), " (automatic)");
    report.notes.push_back(plan->explanation);
  }
  for (int t = 0; t < options.threads; ++t) {
    if (!results[t].ok()) return results[t];
    report.stats.Merge(generators[t]->stats());
  }
  report.series = progress.TakeSeries();
  report.quota_mode = options.requests > 0;
  report.max_error_ratio = options.max_error_ratio;
  report.rate_tolerance = options.rate_tolerance;
  report.request_quota_met = options.requests > 0 && report.stats.ledger.in_flight_at_end == 0 &&
                             report.stats.ledger.sent >= options.requests;
  return report;
}

}  // namespace client
