// RespSession: RESP2 command dispatch and Redis-worded replies (see resp_session.h).
#include "server/resp_session.h"

#include <unistd.h>

#include <array>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocol/ascii.h"
#include "reactor/event_loop.h"
#include "server/command_table.h"
#include "server/resp_reply.h"
#include "server/stats_info.h"

namespace server {
namespace {

using protocol::EqualsIgnoreCase;
using protocol::ParseStatus;

// Bytes as INFO's *_human fields print them ("1.50M").
std::string HumanBytes(uint64_t bytes) {
  const char* const units = "BKMGTPE";
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 6) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? absl::StrCat(bytes, "B") : absl::StrFormat("%.2f%c", value, units[unit]);
}

}  // namespace

RespSession::RespSession(RespFactory* factory)
    : factory_(factory), parser_([&] {
        protocol::RespRequestParser::Options options;
        options.max_bulk_bytes = factory->options().max_bulk_bytes;
        return options;
      }()) {}

reactor::ProtocolResult RespSession::OnInput(std::string_view input, reactor::Output& out) {
  reactor::Buffer& output = out.bytes();
  size_t offset = 0;
  while (offset < input.size()) {
    if (out.full()) {
      // Enough is owed already (pipelined INFOs or large ECHOs): the rest waits, unparsed, until
      // the connection has delivered the output.
      return reactor::ProtocolResult{.consumed = offset, .paused_for_output = true};
    }
    const protocol::RespRequestParser::Result request = parser_.Parse(input.substr(offset));
    if (request.status == ParseStatus::kIncomplete) break;
    if (request.status == ParseStatus::kError) {
      factory_->CountProtocolError();
      AppendError(output, absl::StrCat("ERR Protocol error: ", std::string(request.error)));
      return reactor::ProtocolResult{input.size(), true};
    }
    offset += request.consumed;
    if (request.argv.empty()) continue;  // a blank line, *0 or *-1: Redis skips them
    const bool keep_open = CommandTable::Get().Execute(*factory_, request.argv, output);
    parser_.ReleaseArguments();
    if (!keep_open) return reactor::ProtocolResult{input.size(), true};
  }
  // What is left is one incomplete request; Redis's client-max-query-buffer bounds it.
  if (input.size() - offset > factory_->options().max_request_bytes) {
    factory_->CountProtocolError();
    AppendError(output, "ERR Protocol error: query buffer exceeds max_request_bytes");
    return reactor::ProtocolResult{input.size(), true};
  }
  return reactor::ProtocolResult{offset, false};
}

RespFactory::RespFactory(const RespOptions& options, reactor::ServerStats* loop_stats,
                         reactor::StatsSnapshot total, Dataset* dataset)
    : options_(options),
      own_dataset_(dataset == nullptr ? std::make_unique<Dataset>(/*shared=*/false) : nullptr),
      dataset_(dataset != nullptr ? dataset : own_dataset_.get()),
      loop_stats_(loop_stats != nullptr ? loop_stats : &own_stats_),
      total_(std::move(total)) {}

std::unique_ptr<reactor::Protocol> RespFactory::NewSession() {
  return std::make_unique<RespSession>(this);
}

std::string_view RespFactory::RejectionMessage() const {
  return "-ERR max number of clients reached\r\n";
}

std::string RespFactory::InfoText(absl::Span<const std::string_view> sections) {
  Dataset::Access access(*dataset_);
  return InfoText(sections, access);
}

std::string RespFactory::InfoText(absl::Span<const std::string_view> sections,
                                  Dataset::Access& dataset) {
  const keyspace::Keyspace& keys = dataset.keys();
  bool server = false;
  bool clients = false;
  bool memory = false;
  bool stats = false;
  bool metrics = false;
  bool commandstats = false;
  bool keyspace = false;
  if (sections.empty()) {
    server = clients = memory = stats = metrics = keyspace = true;
  }
  for (std::string_view section : sections) {
    if (EqualsIgnoreCase(section, "all") || EqualsIgnoreCase(section, "everything")) {
      server = clients = memory = stats = metrics = commandstats = keyspace = true;
    } else if (EqualsIgnoreCase(section, "default")) {
      server = clients = memory = stats = metrics = keyspace = true;
    } else if (EqualsIgnoreCase(section, "metrics")) {
      metrics = true;
    } else if (EqualsIgnoreCase(section, "memory")) {
      memory = true;
    } else if (EqualsIgnoreCase(section, "commandstats")) {
      commandstats = true;
    } else if (EqualsIgnoreCase(section, "keyspace")) {
      keyspace = true;
    } else if (EqualsIgnoreCase(section, "server")) {
      server = true;
    } else if (EqualsIgnoreCase(section, "clients")) {
      clients = true;
    } else if (EqualsIgnoreCase(section, "stats")) {
      stats = true;
    }
  }
  const reactor::ServerStats s = total_ ? total_() : *loop_stats_;
  std::string text;
  // Redis separates sections with an empty line and ends each line with CRLF.
  auto begin_section = [&](std::string_view title) {
    if (!text.empty()) text.append("\r\n");
    absl::StrAppend(&text, "# ", std::string(title), "\r\n");
  };
  if (server) {
    const int64_t uptime_seconds =
        s.start_nanos > 0 ? (reactor::MonotonicNanos() - s.start_nanos) / 1000000000 : 0;
    begin_section("Server");
    // Tools read redis_version to decide what they may ask for; claim the 7.0 we mimic.
    absl::StrAppend(&text, "redis_version:7.0.0\r\n", "server_name:reactor\r\n",
                    "redis_mode:standalone\r\n", "os:Linux\r\n", "arch_bits:", sizeof(void*) * 8,
                    "\r\n", "multiplexing_api:epoll\r\n", "process_id:", getpid(), "\r\n",
                    "uptime_in_seconds:", uptime_seconds, "\r\n",
                    "uptime_in_days:", uptime_seconds / 86400, "\r\n");
  }
  if (clients) {
    begin_section("Clients");
    absl::StrAppend(&text, "connected_clients:", s.connections_current.value(), "\r\n");
  }
  if (memory) {
    const uint64_t used = options_.used_memory();
    begin_section("Memory");
    absl::StrAppend(&text, "used_memory:", used, "\r\n", "used_memory_human:", HumanBytes(used),
                    "\r\n", "maxmemory:", options_.maxmemory_bytes, "\r\n",
                    "maxmemory_human:", HumanBytes(options_.maxmemory_bytes), "\r\n",
                    "maxmemory_policy:noeviction\r\n");
  }
  if (stats) {
    begin_section("Stats");
    absl::StrAppend(&text, "total_connections_received:", s.connections_accepted.value(), "\r\n",
                    "total_commands_processed:", s.requests_processed.value(), "\r\n",
                    "total_net_input_bytes:", s.bytes_in.value(), "\r\n",
                    "total_net_output_bytes:", s.bytes_out.value(), "\r\n",
                    "rejected_connections:", s.connections_rejected.value(), "\r\n",
                    "timed_out_connections:", s.connections_timed_out.value(), "\r\n",
                    "read_pauses:", s.read_pauses.value(), "\r\n");
  }
  if (metrics) {
    // The counters of /metrics, under their Prometheus names (see stats_info.h).
    begin_section("Metrics");
    AppendStatsInfo(s, text);
  }
  if (commandstats) {
    begin_section("Commandstats");
    // Only calls: this server does not time its commands, and prints no made-up usec.
    const std::vector<Command>& commands = CommandTable::Get().commands();
    const std::array<uint64_t, Dataset::kMaxCommands>& calls = dataset.calls();
    for (size_t i = 0; i < commands.size(); ++i) {
      if (calls[i] == 0) continue;
      absl::StrAppend(&text, "cmdstat_", std::string(commands[i].name), ":calls=", calls[i],
                      "\r\n");
    }
  }
  if (keyspace) {
    begin_section("Keyspace");
    if (keys.size() > 0) {
      absl::StrAppend(&text, "db0:keys=", keys.size(), ",expires=", keys.keys_with_deadline(),
                      ",avg_ttl=", keys.AverageTtlMillis(), "\r\n");
    }
  }
  return text;
}

}  // namespace server
