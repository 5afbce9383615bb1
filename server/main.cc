// The server binary: parses flags, wires them to a TcpServer and a protocol, runs the loop, and
// on SIGINT/SIGTERM drains gracefully and prints a summary.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "logging/log.h"
#include "logging/rate_limited_log.h"
#include "reactor/event_loop.h"
#include "reactor/fd_limit.h"
#include "reactor/server_group.h"
#include "reactor/socket_address.h"
#include "server/active_expiry.h"
#include "server/dataset.h"
#include "server/echo_session.h"
#include "server/http_session.h"
#include "server/metrics_endpoint.h"
#include "server/resp_session.h"
#include "server/stats_line.h"

ABSL_FLAG(std::string, bind, "127.0.0.1", "Numeric address to listen on (IPv4 or IPv6).");
ABSL_FLAG(int, port, 6380, "TCP port, 0-65535; 0 picks a free one (printed at start).");
ABSL_FLAG(std::string, protocol, "echo", "echo, resp or http.");
ABSL_FLAG(int, loops, 1,
          "Event loops, each on its own thread with its own listener on the port "
          "(SO_REUSEPORT), 1-256. One is the single-threaded reactor.");
ABSL_FLAG(int, backlog, 511, "listen() backlog, 1-65535.");
ABSL_FLAG(int64_t, max_connections, 10000,
          "Concurrent connections in total, 1-1000000; more are refused with a protocol-level "
          "error.");
ABSL_FLAG(bool, reuseport, false, "Set SO_REUSEPORT, so several servers can share the port.");
ABSL_FLAG(absl::Duration, idle_timeout, absl::ZeroDuration(),
          "Close connections idle this long (e.g. 30s); 0 or inf never.");
ABSL_FLAG(absl::Duration, request_timeout, absl::Seconds(60),
          "Close a connection whose request is still incomplete this long after it began, "
          "however slowly its bytes trickle in (slowloris); 0 or inf never.");
ABSL_FLAG(absl::Duration, send_timeout, absl::Seconds(60),
          "Close a connection whose pending output makes no progress for this long (the "
          "client stopped reading); 0 or inf never.");
ABSL_FLAG(absl::Duration, keepalive_timeout, absl::Seconds(-1),
          "Close a connection this long after its last request when nothing is owed and no new "
          "request has begun; 0 or inf never. Unset: 75s for http (as nginx), never for resp "
          "and echo (as Redis).");
ABSL_FLAG(absl::Duration, tcp_keepalive, absl::Seconds(300),
          "SO_KEEPALIVE: probe a connection silent this long, so peers that vanished without a "
          "FIN are reaped (as Redis's tcp-keepalive); 0 or inf off.");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(1),
          "On SIGINT/SIGTERM, how long pending replies may take before connections are cut; "
          "inf waits for them however long they take.");
ABSL_FLAG(int64_t, max_bulk_bytes, 512LL << 20,
          "resp: largest bulk argument, 1 byte to 4 GiB (Redis's proto-max-bulk-len).");
ABSL_FLAG(int64_t, max_request_bytes, 1LL << 30,
          "resp: largest unparsed input per connection (Redis's client-max-query-buffer), "
          ">= 64 KiB; past it the client gets a protocol error and is closed.");
ABSL_FLAG(std::string, maxmemory, "0",
          "resp: used memory above which writes get Redis's OOM error (noeviction), as Redis "
          "spells it: 0 (no limit), bytes, or with k, kb, m, mb, g, gb.");
ABSL_FLAG(std::string, http_body, "Hello, World!\n", "http: the body every GET answers.");
ABSL_FLAG(int64_t, http_body_bytes, -1,
          "http: answer GET with this many bytes of 'x' instead of --http_body, 0-1 GiB.");
ABSL_FLAG(int64_t, high_water_bytes, 4 << 20,
          "Pending output above which a connection stops reading (backpressure), >= 4096.");
ABSL_FLAG(absl::Duration, stats_interval, absl::ZeroDuration(),
          "Print a stats line on stderr this often (e.g. 1s): open connections, rates, refusals, "
          "errors, closes by cause, event-loop health. 0 never.");
ABSL_FLAG(int, metrics_port, -1,
          "Serve GET /metrics (Prometheus text format) on this port of --bind, from loop 0; 0 "
          "picks a free one (printed at start as 'metrics on HOST:PORT'); -1 off.");
ABSL_FLAG(std::string, log_level, "info",
          "Least severe log line shown: debug, info, warning, error.");

namespace {

// Exits with a message that names the flag, as every bad value should.
[[noreturn]] void FlagError(const char* flag, const std::string& message) {
  std::fprintf(stderr, "server: --%s: %s\n", flag, message.c_str());
  std::exit(2);
}

// Redis's memtoull: "100", "100mb", "1gb" (k/m/g are powers of 1000, kb/mb/gb of 1024).
std::optional<uint64_t> ParseMemory(std::string text) {
  text = absl::AsciiStrToLower(text);
  struct Unit {
    const char* suffix;
    uint64_t multiplier;
  };
  constexpr Unit kUnits[] = {{"kb", 1ULL << 10},
                             {"mb", 1ULL << 20},
                             {"gb", 1ULL << 30},
                             {"k", 1000},
                             {"m", 1000000},
                             {"g", 1000000000},
                             {"b", 1}};
  uint64_t multiplier = 1;
  for (const Unit& unit : kUnits) {
    const size_t length = std::strlen(unit.suffix);
    if (text.size() > length && text.compare(text.size() - length, length, unit.suffix) == 0) {
      multiplier = unit.multiplier;
      text.resize(text.size() - length);
      break;
    }
  }
  uint64_t value = 0;
  if (text.empty() || !absl::SimpleAtoi(text, &value) || value > UINT64_MAX / multiplier) {
    return std::nullopt;
  }
  return value * multiplier;
}

// The session factory --protocol names, configured from its own flags.
std::unique_ptr<reactor::ProtocolFactory> MakeProtocol(const std::string& name,
                                                       reactor::ServerStats* loop_stats,
                                                       reactor::StatsSnapshot total,
                                                       server::Dataset* dataset) {
  if (name == "echo") return std::make_unique<server::EchoFactory>();
  if (name == "resp") {
    server::RespOptions options;
    options.max_bulk_bytes = absl::GetFlag(FLAGS_max_bulk_bytes);
    if (options.max_bulk_bytes < 1 || options.max_bulk_bytes > (int64_t{4} << 30)) {
      FlagError("max_bulk_bytes", "must be 1 to 4294967296");
    }
    const int64_t max_request = absl::GetFlag(FLAGS_max_request_bytes);
    if (max_request < (64 << 10)) FlagError("max_request_bytes", "must be >= 65536");
    options.max_request_bytes = static_cast<size_t>(max_request);
    const std::optional<uint64_t> maxmemory = ParseMemory(absl::GetFlag(FLAGS_maxmemory));
    if (!maxmemory) FlagError("maxmemory", "must be bytes, e.g. 0, 1048576, 100mb or 2gb");
    options.maxmemory_bytes = *maxmemory;
    // SHUTDOWN stops the server exactly as SIGTERM does: the group's signalfd receives it.
    options.shutdown = [] { kill(getpid(), SIGTERM); };
    return std::make_unique<server::RespFactory>(options, loop_stats, std::move(total), dataset);
  }
  if (name == "http") {
    server::HttpOptions options;
    // Built once, by the first loop to ask, and shared by every loop's factory.
    static const std::shared_ptr<const std::string> body = [] {
      const int64_t body_bytes = absl::GetFlag(FLAGS_http_body_bytes);
      if (body_bytes > (int64_t{1} << 30) || body_bytes < -1) {
        FlagError("http_body_bytes", "must be 0 to 1073741824");
      }
      return std::make_shared<const std::string>(
          body_bytes >= 0 ? std::string(static_cast<size_t>(body_bytes), 'x')
                          : absl::GetFlag(FLAGS_http_body));
    }();
    options.body = body;
    return std::make_unique<server::HttpFactory>(options, nullptr, loop_stats);
  }
  FlagError("protocol", "must be one of echo, resp, http (got '" + name + "')");
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "A single-threaded epoll server.\n"
      "  server --protocol=echo|resp|http --port=0\n"
      "Prints 'listening on HOST:PORT' when ready; SIGINT/SIGTERM stop it gracefully.");
  absl::ParseCommandLine(argc, argv);

  reactor::TcpServerOptions options;
  options.listener.host = absl::GetFlag(FLAGS_bind);
  if (absl::StatusOr<reactor::SocketAddress> bind =
          reactor::SocketAddress::FromHostPort(options.listener.host, 0);
      !bind.ok()) {
    FlagError("bind", std::string(bind.status().message()));
  }
  const int port = absl::GetFlag(FLAGS_port);
  if (port < 0 || port > 65535) FlagError("port", "must be 0-65535");
  options.listener.port = static_cast<uint16_t>(port);
  options.listener.backlog = absl::GetFlag(FLAGS_backlog);
  if (options.listener.backlog < 1 || options.listener.backlog > 65535) {
    FlagError("backlog", "must be 1-65535");
  }
  options.listener.reuse_port = absl::GetFlag(FLAGS_reuseport);
  const int64_t max_connections = absl::GetFlag(FLAGS_max_connections);
  if (max_connections < 1 || max_connections > 1000000) {
    FlagError("max_connections", "must be 1-1000000");
  }
  options.max_connections = static_cast<size_t>(max_connections);
  options.idle_timeout = absl::GetFlag(FLAGS_idle_timeout);
  if (options.idle_timeout < absl::ZeroDuration()) FlagError("idle_timeout", "must be >= 0");
  options.request_timeout = absl::GetFlag(FLAGS_request_timeout);
  if (options.request_timeout < absl::ZeroDuration()) FlagError("request_timeout", "must be >= 0");
  options.send_timeout = absl::GetFlag(FLAGS_send_timeout);
  if (options.send_timeout < absl::ZeroDuration()) FlagError("send_timeout", "must be >= 0");
  const std::string protocol = absl::GetFlag(FLAGS_protocol);
  options.keepalive_timeout = absl::GetFlag(FLAGS_keepalive_timeout);
  if (options.keepalive_timeout < absl::ZeroDuration()) {
    if (options.keepalive_timeout != absl::Seconds(-1)) {
      FlagError("keepalive_timeout", "must be >= 0");
    }
    options.keepalive_timeout = protocol == "http" ? absl::Seconds(75) : absl::ZeroDuration();
  }
  options.listener.tcp_keepalive = absl::GetFlag(FLAGS_tcp_keepalive);
  if (options.listener.tcp_keepalive < absl::ZeroDuration()) {
    FlagError("tcp_keepalive", "must be >= 0");
  }
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  if (options.drain_timeout < absl::ZeroDuration()) FlagError("drain_timeout", "must be >= 0");
  const int64_t high_water = absl::GetFlag(FLAGS_high_water_bytes);
  if (high_water < 4096) FlagError("high_water_bytes", "must be >= 4096");
  options.connection.high_water_bytes = static_cast<size_t>(high_water);
  options.connection.low_water_bytes = static_cast<size_t>(high_water / 4);

  const int loops = absl::GetFlag(FLAGS_loops);
  if (loops < 1 || loops > 256) FlagError("loops", "must be 1-256");

  logging::Level log_level;
  if (!logging::ParseLevel(absl::GetFlag(FLAGS_log_level), &log_level)) {
    FlagError("log_level", "must be one of debug, info, warning, error");
  }
  logging::SetMinLevel(log_level);
  const absl::Duration stats_interval = absl::GetFlag(FLAGS_stats_interval);
  if (stats_interval < absl::ZeroDuration()) FlagError("stats_interval", "must be >= 0");
  const int metrics_port = absl::GetFlag(FLAGS_metrics_port);
  if (metrics_port < -1 || metrics_port > 65535) FlagError("metrics_port", "must be -1 or 0-65535");

  // Every connection is an fd: a limit the process cannot honour would turn the excess into
  // silent drops (accepted and closed for lack of fds) instead of the protocol's refusal.
  absl::StatusOr<reactor::FdLimitPlan> fds =
      reactor::ReconcileFdLimit(options.max_connections, loops);
  if (!fds.ok()) FlagError("max_connections", std::string(fds.status().message()));
  if (!fds->warning.empty()) logging::Log(logging::Level::kWarning, "server: %s", fds->warning);
  options.max_connections = fds->max_connections;

  // glibc raises its mmap threshold to the size of any large block freed, after which big
  // buffers come from the heap and their memory stays with the process when freed. A fixed
  // threshold keeps large blocks (a huge request's buffers) in their own mappings, so freeing
  // them gives the memory back to the system.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);

  // Ignored as well as avoided with MSG_NOSIGNAL: a library or a future writev must not be able
  // to kill the process because a client went away.
  signal(SIGPIPE, SIG_IGN);

  // resp: one keyspace for every loop (see server/dataset.h for why and what it costs).
  server::Dataset dataset(/*shared=*/loops > 1);
  absl::StatusOr<std::unique_ptr<reactor::ServerGroup>> group = reactor::ServerGroup::Create(
      loops, options,
      [&protocol, &dataset](reactor::ServerStats* loop_stats, reactor::StatsSnapshot total) {
        return MakeProtocol(protocol, loop_stats, std::move(total), &dataset);
      });
  if (!group.ok()) {
    logging::Log(logging::Level::kError, "server: cannot listen on %s:%d: %s",
                 options.listener.host, port, group.status().ToString());
    return 1;
  }
  std::optional<server::ActiveExpiry> expiry;
  if (protocol == "resp") expiry.emplace((*group)->loop(0), &dataset);

  // Scripts wait for this exact line to learn the port; flush so they see it at once.
  std::printf("listening on %s\n", (*group)->address().ToString().c_str());
  std::fflush(stdout);

  reactor::ServerGroup* server_group = group->get();
  std::unique_ptr<server::MetricsEndpoint> metrics;
  if (metrics_port >= 0) {
    absl::StatusOr<std::unique_ptr<server::MetricsEndpoint>> endpoint =
        server::MetricsEndpoint::Start(server_group, options.listener.host,
                                       static_cast<uint16_t>(metrics_port), protocol);
    if (!endpoint.ok()) {
      logging::Log(logging::Level::kError, "server: --metrics_port: cannot listen on %s:%d: %s",
                   options.listener.host, metrics_port, endpoint.status().ToString());
      return 1;
    }
    metrics = std::move(*endpoint);
    std::printf("metrics on %s\n", metrics->address().ToString().c_str());
    std::fflush(stdout);
  }
  std::unique_ptr<server::StatsLineReporter> stats_line;
  if (stats_interval > absl::ZeroDuration()) {
    stats_line = std::make_unique<server::StatsLineReporter>(
        server_group->main_loop(), stats_interval,
        [server_group] { return server_group->TotalStats(); },
        [server_group] { return server_group->TakeLongestIterationNanos(); });
  }
  logging::Log(logging::Level::kInfo, "server: serving %s on %s with %d loop(s)", protocol,
               server_group->address().ToString(), loops);

  absl::Status run = server_group->Run({SIGINT, SIGTERM}, [](int signo) {
    logging::Log(logging::Level::kInfo,
                 "server: %s: stopping (a second signal cuts the drain short)", strsignal(signo));
  });
  // Both live on loop 0, which has stopped: gone before the group and its loops.
  stats_line.reset();
  metrics.reset();
  logging::RateLimitedLog::FlushAll();
  if (!run.ok()) {
    logging::Log(logging::Level::kError, "server: event loop failed, server stopped: %s",
                 run.ToString());
    return 1;
  }
  const reactor::ServerStats stats = (*group)->TotalStats();
  const reactor::ListenerStats accepts = (*group)->TotalListenerStats();
  const double seconds = (reactor::MonotonicNanos() - stats.start_nanos) / 1e9;
  absl::PrintF(
      "server: served %d connections (%d refused at max_connections, %d dropped for lack of "
      "fds, %d reset by the client, %d lost to a network timeout, %d closed on other errors, %d "
      "timed out: %d idle, %d request, %d keep-alive, %d send) in %.1f s; %d bytes in, %d bytes "
      "out; %d requests, %d protocol errors\n",
      stats.connections_accepted.value(), stats.connections_rejected.value(),
      accepts.dropped_for_fds, stats.connections_reset_by_peer.value(),
      stats.connections_lost_to_network_timeout.value(), stats.connections_closed_on_error.value(),
      stats.connections_timed_out.value(), stats.timed_out_idle.value(),
      stats.timed_out_request.value(), stats.timed_out_keepalive.value(),
      stats.timed_out_send.value(), seconds, stats.bytes_in.value(), stats.bytes_out.value(),
      stats.requests_processed.value(), stats.protocol_errors.value());
  return 0;
}
