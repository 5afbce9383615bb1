// The load client's entry point: flags, the threads that carry the run, the report and the exit
// status; and `client merge A.json B.json ...`, which combines saved runs exactly.
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "client/client_options.h"
#include "client/hgrm_writer.h"
#include "client/html_report.h"
#include "client/load_run.h"
#include "client/run_report.h"
#include "reactor/event_loop.h"

ABSL_FLAG(std::string, target, "", "HOST:PORT of the server to load (numeric host)");
ABSL_FLAG(std::string, protocol, "echo", "echo, resp or http");
ABSL_FLAG(int, connections, 100, "concurrent connections, in total over all threads");
ABSL_FLAG(int, threads, 1, "event-loop threads; connections are spread over them");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "measured run time (after --warmup)");
ABSL_FLAG(uint64_t, requests, 0, "stop after this many measured requests instead (0 = off)");
ABSL_FLAG(absl::Duration, warmup, absl::ZeroDuration(), "run this long before measuring");
ABSL_FLAG(uint64_t, message_bytes, 64, "echo message / RESP ECHO payload size in bytes");
ABSL_FLAG(int, pipeline, 1, "requests in flight per connection (closed loop)");
ABSL_FLAG(int, max_in_flight, 4096,
          "--rate: the most requests one connection may have in flight (an open loop sends when "
          "a request is due, whatever is in flight; reaching this cap is reported)");
ABSL_FLAG(absl::Duration, drain, absl::Seconds(1),
          "at the end, wait up to min(this, --timeout) for replies in flight");
ABSL_FLAG(absl::Duration, close_wait, absl::Milliseconds(200),
          "at the end, after shutting down the sending side, wait up to this for the server's "
          "EOF");
ABSL_FLAG(double, max_error_ratio, 0,
          "exit non-zero when error replies, timeouts, lost and unanswered or owed requests "
          "exceed this fraction of the requests");
ABSL_FLAG(double, rate_tolerance, 0.01,
          "--rate: exit non-zero when the achieved send rate is more than this fraction below "
          "the target");
ABSL_FLAG(std::string, rate, "0",
          "fixed total request rate, e.g. 5000/s (open loop, latency from intended send time); "
          "0 = closed loop");
ABSL_FLAG(std::string, connect_rate, "0", "connects per second in total, e.g. 2000/s; 0 = unpaced");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5), "connect timeout");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10), "response timeout; later answers are late");
ABSL_FLAG(bool, reconnect, false, "reopen lost connections, with bounded exponential backoff");
ABSL_FLAG(absl::Duration, reconnect_backoff_min, absl::Milliseconds(10), "first reconnect delay");
ABSL_FLAG(absl::Duration, reconnect_backoff_max, absl::Seconds(1), "reconnect delay cap");
ABSL_FLAG(std::string, source_addresses, "",
          "local addresses to bind, round-robin: a list and/or ranges, e.g. 127.0.0.1-127.0.0.8");
ABSL_FLAG(std::string, command, "PING",
          "--protocol=resp: the command to send, words separated by spaces: PING (expects "
          "+PONG), ECHO (sends a --message_bytes payload, expects it back) or any other, e.g. "
          "\"SET key value\" or \"GET key\" (expects a reply that is not an error)");
ABSL_FLAG(std::string, path, "/", "--protocol=http: the path to GET");
ABSL_FLAG(std::string, host, "", "--protocol=http: the Host header (default: the target)");
ABSL_FLAG(bool, progress, true, "print a progress line each second on stderr");
ABSL_FLAG(std::string, json, "", "also write the results as JSON to this file");
ABSL_FLAG(std::string, hgrm, "",
          "also write the corrected latency distribution to this file in HdrHistogram's .hgrm "
          "percentile text format (values in milliseconds), for HdrHistogram's plotter");
ABSL_FLAG(std::string, hgrm_uncorrected, "",
          "the same for the uncorrected latencies (from the actual send time)");
ABSL_FLAG(std::string, html, "",
          "also write a self-contained HTML report (charts of latency by percentile and over "
          "time, requests/s, errors, connect latency; the ledger, configuration and CPU)");
ABSL_FLAG(std::string, labels, "",
          "client report: the runs' names in the HTML, comma-separated (default: file names)");

namespace client {
namespace {

// File descriptors the process needs besides one per connection: epoll and eventfd per thread,
// stdio, and spares.
constexpr int kFdsBesidesConnections = 64;

std::atomic<bool> g_stop{false};

absl::StatusOr<ClientOptions> OptionsFromFlags() {
  ClientOptions o;
  o.target_text = absl::GetFlag(FLAGS_target);
  if (!o.target_text.empty()) {
    auto target = reactor::SocketAddress::Parse(o.target_text);
    if (!target.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--target: ", target.status().message()));
    }
    o.target = *target;
  }
  const std::string protocol = absl::GetFlag(FLAGS_protocol);
  if (protocol == "echo") {
    o.protocol = ClientProtocol::kEcho;
  } else if (protocol == "resp") {
    o.protocol = ClientProtocol::kResp;
  } else if (protocol == "http") {
    o.protocol = ClientProtocol::kHttp;
  } else {
    return absl::InvalidArgumentError("--protocol: must be echo, resp or http");
  }
  o.connections = absl::GetFlag(FLAGS_connections);
  o.threads = absl::GetFlag(FLAGS_threads);
  o.duration = absl::GetFlag(FLAGS_duration);
  o.requests = absl::GetFlag(FLAGS_requests);
  o.warmup = absl::GetFlag(FLAGS_warmup);
  o.message_bytes = absl::GetFlag(FLAGS_message_bytes);
  o.pipeline = absl::GetFlag(FLAGS_pipeline);
  o.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  o.drain = absl::GetFlag(FLAGS_drain);
  o.close_wait = absl::GetFlag(FLAGS_close_wait);
  o.max_error_ratio = absl::GetFlag(FLAGS_max_error_ratio);
  o.rate_tolerance = absl::GetFlag(FLAGS_rate_tolerance);
  auto rate = ParseRate(absl::GetFlag(FLAGS_rate));
  if (!rate.ok())
    return absl::InvalidArgumentError(absl::StrCat("--rate: ", rate.status().message()));
  o.rate = *rate;
  auto connect_rate = ParseRate(absl::GetFlag(FLAGS_connect_rate));
  if (!connect_rate.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--connect_rate: ", connect_rate.status().message()));
  }
  o.connect_rate = *connect_rate;
  o.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  o.timeout = absl::GetFlag(FLAGS_timeout);
  o.reconnect = absl::GetFlag(FLAGS_reconnect);
  o.reconnect_backoff_min = absl::GetFlag(FLAGS_reconnect_backoff_min);
  o.reconnect_backoff_max = absl::GetFlag(FLAGS_reconnect_backoff_max);
  auto sources = ParseSourceAddresses(absl::GetFlag(FLAGS_source_addresses));
  if (!sources.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--source_addresses: ", sources.status().message()));
  }
  o.source_addresses = *std::move(sources);
  o.command = absl::GetFlag(FLAGS_command);
  o.path = absl::GetFlag(FLAGS_path);
  o.host_header = absl::GetFlag(FLAGS_host);
  o.progress = absl::GetFlag(FLAGS_progress);
  o.json_path = absl::GetFlag(FLAGS_json);
  if (o.requests > 0 && o.requests < static_cast<uint64_t>(o.threads)) {
    return absl::InvalidArgumentError("--requests: must be 0 or at least --threads");
  }
  if (absl::Status s = o.Validate(); !s.ok()) return s;
  return o;
}

// The files a run or a merge can write, each named by its flag and made from the report.
struct OutputFile {
  const char* flag;
  const absl::Flag<std::string>* path;
  std::string (*content)(const RunReport& report);
};
const OutputFile kOutputFiles[] = {
    {"json", &FLAGS_json, [](const RunReport& r) { return r.ToJson(); }},
    {"hgrm", &FLAGS_hgrm, [](const RunReport& r) { return FormatHgrm(r.stats.corrected); }},
    {"hgrm_uncorrected", &FLAGS_hgrm_uncorrected,
     [](const RunReport& r) { return FormatHgrm(r.stats.uncorrected); }},
    {"html", &FLAGS_html,
     [](const RunReport& r) {
       const auto target = r.config.find("target");
       std::string label = target == r.config.end() ? "run" : target->second;
       if (r.merged_runs > 1) label = absl::StrCat(r.merged_runs, " runs merged");
       return FormatHtmlReport({{label, &r}});
     }},
};

// Checked before a run, so that a mistyped directory is reported before the run, not after it.
bool OutputPathsWritable() {
  bool writable = true;
  for (const OutputFile& o : kOutputFiles) {
    const std::string path = absl::GetFlag(*o.path);
    if (path.empty()) continue;
    const size_t slash = path.rfind('/');
    const std::string dir =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const bool ok = access(path.c_str(), F_OK) == 0 ? access(path.c_str(), W_OK) == 0
                                                    : access(dir.c_str(), W_OK | X_OK) == 0;
    if (!ok) {
      std::fprintf(stderr, "--%s: cannot write %s: %s\n", o.flag, path.c_str(),
                   std::strerror(errno));
      writable = false;
    }
  }
  return writable;
}

// Writes every file the output flags name. False, after saying which, when one cannot be
// written; the others are still written.
bool WriteOutputFiles(const RunReport& report) {
  bool all_written = true;
  for (const OutputFile& o : kOutputFiles) {
    const std::string path = absl::GetFlag(*o.path);
    if (path.empty()) continue;
    std::ofstream out(path);
    out << o.content(report);
    out.close();
    if (!out.good()) {
      std::fprintf(stderr, "--%s: cannot write %s: %s\n", o.flag, path.c_str(),
                   std::strerror(errno));
      all_written = false;
    }
  }
  return all_written;
}

int RunLoadCommand(const ClientOptions& options) {
  const uint64_t fd_limit = RaiseFdLimit();
  if (fd_limit != RLIM_INFINITY &&
      static_cast<uint64_t>(options.connections) + kFdsBesidesConnections > fd_limit) {
    std::fprintf(stderr,
                 "warning: --connections=%d needs about %d file descriptors but RLIMIT_NOFILE is "
                 "%llu (its hard limit); connections past it will fail with EMFILE. Raise it "
                 "with `ulimit -Hn` (as root) or nofile in /etc/security/limits.conf\n",
                 options.connections, options.connections + kFdsBesidesConnections,
                 static_cast<unsigned long long>(fd_limit));
  }
  // SIGINT/SIGTERM end the run early with a full report: blocked in every thread (they inherit
  // the mask) and collected by one watcher thread.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  if (pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) {
    std::fprintf(stderr, "pthread_sigmask failed\n");
    return kExitSetupFailed;
  }
  std::signal(SIGPIPE, SIG_IGN);
  std::atomic<bool> run_over{false};
  std::thread signal_thread([&] {
    while (!run_over.load()) {
      timespec tick{0, 100'000'000};
      const int sig = sigtimedwait(&mask, nullptr, &tick);
      if (sig == SIGINT || sig == SIGTERM) {
        std::fprintf(stderr, "signal %d: stopping, the report follows\n", sig);
        g_stop.store(true);
      }
    }
  });
  auto report = RunLoad(options, &g_stop, options.progress ? stderr : nullptr);
  run_over.store(true);
  signal_thread.join();
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", std::string(report.status().message()).c_str());
    return kExitSetupFailed;
  }
  std::fputs(report->FormatSummary().c_str(), stdout);
  const Verdict verdict = report->Evaluate();
  if (!WriteOutputFiles(*report)) return kExitSetupFailed;
  std::printf("\n  result: %s (exit %d)\n", verdict.reason.c_str(), verdict.exit_code);
  return verdict.exit_code;
}

absl::StatusOr<RunReport> ReadReportFile(const char* path) {
  std::ifstream in(path);
  if (!in)
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  auto report = RunReport::FromJson(text.str());
  if (!report.ok())
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", report.status().message()));
  return report;
}

int RunMerge(const std::vector<char*>& args) {
  if (args.size() < 3) {
    std::fprintf(stderr,
                 "usage: client merge A.json B.json ... [--json=OUT] [--hgrm=OUT] "
                 "[--hgrm_uncorrected=OUT] [--html=OUT]\n");
    return kExitBadFlags;
  }
  if (!OutputPathsWritable()) return kExitBadFlags;
  RunReport merged;
  for (size_t i = 2; i < args.size(); ++i) {
    auto report = ReadReportFile(args[i]);
    if (!report.ok()) {
      std::fprintf(stderr, "merge: %s\n", std::string(report.status().message()).c_str());
      return kExitBadFlags;
    }
    if (i == 2) {
      merged = *std::move(report);
    } else {
      merged.Merge(*report);
    }
  }
  std::fputs(merged.FormatSummary().c_str(), stdout);
  if (!WriteOutputFiles(merged)) return kExitSetupFailed;
  const Verdict verdict = merged.Evaluate();
  std::printf("\n  result: %s (exit %d)\n", verdict.reason.c_str(), verdict.exit_code);
  return verdict.exit_code;
}

// `client report A.json B.json ... --html=OUT`: the runs side by side in one HTML report.
int RunReportCommand(const std::vector<char*>& args) {
  const std::string html_path = absl::GetFlag(FLAGS_html);
  if (args.size() < 3 || html_path.empty()) {
    std::fprintf(stderr, "usage: client report A.json B.json ... --html=OUT [--labels=A,B,...]\n");
    return kExitBadFlags;
  }
  std::vector<std::string> labels;
  if (!absl::GetFlag(FLAGS_labels).empty()) {
    labels = absl::StrSplit(absl::GetFlag(FLAGS_labels), ',');
    if (labels.size() != args.size() - 2) {
      std::fprintf(stderr, "--labels: %zu names for %zu files\n", labels.size(), args.size() - 2);
      return kExitBadFlags;
    }
  }
  if (!OutputPathsWritable()) return kExitBadFlags;
  std::vector<RunReport> reports;
  for (size_t i = 2; i < args.size(); ++i) {
    auto report = ReadReportFile(args[i]);
    if (!report.ok()) {
      std::fprintf(stderr, "report: %s\n", std::string(report.status().message()).c_str());
      return kExitBadFlags;
    }
    reports.push_back(*std::move(report));
    if (labels.size() < reports.size()) {
      // The file's name without its directory and .json.
      std::string name = args[i];
      name = name.substr(name.rfind('/') + 1);
      if (absl::EndsWith(name, ".json")) name.resize(name.size() - 5);
      labels.push_back(name);
    }
  }
  std::vector<LabelledRun> runs;
  for (size_t i = 0; i < reports.size(); ++i) runs.push_back({labels[i], &reports[i]});
  std::ofstream out(html_path);
  out << FormatHtmlReport(runs);
  out.close();
  if (!out.good()) {
    std::fprintf(stderr, "--html: cannot write %s: %s\n", html_path.c_str(), std::strerror(errno));
    return kExitSetupFailed;
  }
  std::printf("wrote %s: %zu runs\n", html_path.c_str(), runs.size());
  return kExitOk;
}

}  // namespace
}  // namespace client

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "load client: client --target=HOST:PORT [--connections=N] [--duration=10s|--requests=N] "
      "...\n       or:  client merge A.json B.json ... [--json=OUT] [--hgrm=OUT] "
      "[--hgrm_uncorrected=OUT] [--html=OUT]\n       or:  client report A.json B.json ... "
      "--html=OUT [--labels=A,B,...]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() >= 2 && std::string(args[1]) == "merge") return client::RunMerge(args);
  if (args.size() >= 2 && std::string(args[1]) == "report") return client::RunReportCommand(args);
  if (args.size() > 1) {
    std::fprintf(stderr, "unexpected argument '%s' (flags are --name=value)\n", args[1]);
    return client::kExitBadFlags;
  }
  auto options = client::OptionsFromFlags();
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", std::string(options.status().message()).c_str());
    return client::kExitBadFlags;
  }
  if (!client::OutputPathsWritable()) return client::kExitBadFlags;
  return client::RunLoadCommand(*options);
}
