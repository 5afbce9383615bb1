// RespSession: RESP2 command dispatch and Redis-worded replies (see resp_session.h).
#include "server/resp_session.h"

#include <unistd.h>

#include <charconv>
#include <string>

#include "absl/strings/str_cat.h"
#include "protocol/ascii.h"
#include "reactor/event_loop.h"
#include "server/stats_info.h"

namespace server {
namespace {

using protocol::AsciiToLower;
using protocol::EqualsIgnoreCase;
using protocol::ParseStatus;

// Redis's stringmatch with nocase, for CONFIG GET patterns: '*', '?', '[...]' and '\' escapes.
bool GlobMatch(std::string_view pattern, std::string_view text) {
  while (!pattern.empty()) {
    switch (pattern[0]) {
      case '*':
        while (pattern.size() > 1 && pattern[1] == '*') pattern.remove_prefix(1);
        if (pattern.size() == 1) return true;
        for (size_t i = 0; i <= text.size(); ++i) {
          if (GlobMatch(pattern.substr(1), text.substr(i))) return true;
        }
        return false;
      case '?':
        if (text.empty()) return false;
        text.remove_prefix(1);
        break;
      case '[': {
        if (text.empty()) return false;
        size_t i = 1;
        const bool negate = i < pattern.size() && pattern[i] == '^';
        if (negate) ++i;
        bool matched = false;
        for (; i < pattern.size() && pattern[i] != ']'; ++i) {
          if (pattern[i] == '\\' && i + 1 < pattern.size()) {
            ++i;
            if (AsciiToLower(pattern[i]) == AsciiToLower(text[0])) matched = true;
          } else if (i + 2 < pattern.size() && pattern[i + 1] == '-') {
            char lo = AsciiToLower(pattern[i]);
            char hi = AsciiToLower(pattern[i + 2]);
            if (lo > hi) std::swap(lo, hi);
            const char c = AsciiToLower(text[0]);
            if (c >= lo && c <= hi) matched = true;
            i += 2;
          } else if (AsciiToLower(pattern[i]) == AsciiToLower(text[0])) {
            matched = true;
          }
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        pattern.remove_prefix(i < pattern.size() ? i : pattern.size() - 1);
        text.remove_prefix(1);
        break;
      }
      case '\\':
        if (pattern.size() >= 2) pattern.remove_prefix(1);
        [[fallthrough]];
      default:
        if (text.empty() || AsciiToLower(pattern[0]) != AsciiToLower(text[0])) return false;
        text.remove_prefix(1);
        break;
    }
    pattern.remove_prefix(1);
  }
  return text.empty();
}

// Appends "$<len>\r\n<data>\r\n" without building a temporary string.
void AppendBulk(reactor::Buffer& output, std::string_view data) {
  char header[32];
  header[0] = '$';
  char* end = std::to_chars(header + 1, header + sizeof(header) - 2, data.size()).ptr;
  *end++ = '\r';
  *end++ = '\n';
  output.Append(header, static_cast<size_t>(end - header));
  output.Append(data);
  output.Append("\r\n", 2);
}

void AppendArrayHeader(reactor::Buffer& output, size_t count) {
  char header[32];
  header[0] = '*';
  char* end = std::to_chars(header + 1, header + sizeof(header) - 2, count).ptr;
  *end++ = '\r';
  *end++ = '\n';
  output.Append(header, static_cast<size_t>(end - header));
}

// Appends "-<message>\r\n", with CR and LF in the message turned to spaces as Redis does, so an
// argument echoed in an error cannot break the protocol.
void AppendError(reactor::Buffer& output, std::string_view message) {
  std::string line = "-";
  line.append(message);
  for (char& c : line) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  line.append("\r\n");
  output.Append(line);
}

void AppendWrongArity(reactor::Buffer& output, std::string_view command) {
  AppendError(output, absl::StrCat("ERR wrong number of arguments for '", std::string(command),
                                   "' command"));
}

// Redis 7's wording: the name and up to 128 characters of arguments, each quoted and followed by
// a space (hence the trailing space).
void AppendUnknownCommand(reactor::Buffer& output, absl::Span<const std::string_view> argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
    absl::StrAppend(&args, "'", std::string(argv[i].substr(0, 128 - args.size())), "' ");
  }
  AppendError(output, absl::StrCat("ERR unknown command '", std::string(argv[0].substr(0, 128)),
                                   "', with args beginning with: ", args));
}

void AppendUnknownSubcommand(reactor::Buffer& output, std::string_view subcommand,
                             std::string_view command) {
  AppendError(output,
              absl::StrCat("ERR unknown subcommand '", std::string(subcommand.substr(0, 128)),
                           "'. Try ", std::string(command), " HELP."));
}

// The configuration CONFIG GET reports: that of a server that neither snapshots nor logs
// (redis-benchmark asks for these two at start).
struct ConfigEntry {
  std::string_view name;
  std::string_view value;
};
constexpr ConfigEntry kConfig[] = {
    {"save", ""},
    {"appendonly", "no"},
};

}  // namespace

RespSession::RespSession(RespFactory* factory)
    : factory_(factory), parser_([&] {
        protocol::RespRequestParser::Options options;
        options.max_bulk_bytes = factory->options().max_bulk_bytes;
        return options;
      }()) {}

reactor::ProtocolResult RespSession::OnInput(std::string_view input, reactor::Buffer& output) {
  size_t offset = 0;
  while (offset < input.size()) {
    const protocol::RespRequestParser::Result request = parser_.Parse(input.substr(offset));
    if (request.status == ParseStatus::kIncomplete) break;
    if (request.status == ParseStatus::kError) {
      factory_->CountProtocolError();
      AppendError(output, absl::StrCat("ERR Protocol error: ", std::string(request.error)));
      return reactor::ProtocolResult{input.size(), true};
    }
    if (output.size() >= reactor::kOutputBudgetBytes) {
      // Enough is owed already (pipelined INFOs or large ECHOs): this request waits, unconsumed,
      // until the connection has delivered the output. It is parsed again then.
      return reactor::ProtocolResult{
          .consumed = offset, .close_after_output = false, .paused_for_output = true};
    }
    offset += request.consumed;
    if (request.argv.empty()) continue;  // a blank line, *0 or *-1: Redis skips them
    const bool keep_open = Execute(request.argv, output);
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

bool RespSession::Execute(absl::Span<const std::string_view> argv, reactor::Buffer& output) {
  const std::string_view name = argv[0];
  const size_t argc = argv.size();
  if (EqualsIgnoreCase(name, "ping")) {
    if (argc > 2) {
      AppendWrongArity(output, "ping");
    } else {
      factory_->CountCommand();
      if (argc == 1) {
        output.Append("+PONG\r\n", 7);
      } else {
        AppendBulk(output, argv[1]);
      }
    }
    return true;
  }
  if (EqualsIgnoreCase(name, "echo")) {
    if (argc != 2) {
      AppendWrongArity(output, "echo");
    } else {
      factory_->CountCommand();
      AppendBulk(output, argv[1]);
    }
    return true;
  }
  if (EqualsIgnoreCase(name, "quit")) {
    factory_->CountCommand();
    output.Append("+OK\r\n", 5);
    return false;
  }
  if (EqualsIgnoreCase(name, "command")) {
    // redis-cli 7 asks for COMMAND DOCS when it starts interactively and builds its hints from
    // the reply; an empty array gives it no hints and no trouble.
    if (argc == 1 || EqualsIgnoreCase(argv[1], "docs") || EqualsIgnoreCase(argv[1], "info")) {
      factory_->CountCommand();
      output.Append("*0\r\n", 4);
    } else if (EqualsIgnoreCase(argv[1], "count")) {
      factory_->CountCommand();
      output.Append(":0\r\n", 4);
    } else {
      AppendUnknownSubcommand(output, argv[1], "COMMAND");
    }
    return true;
  }
  if (EqualsIgnoreCase(name, "config")) {
    if (argc == 1) {
      AppendWrongArity(output, "config");
    } else if (!EqualsIgnoreCase(argv[1], "get")) {
      AppendUnknownSubcommand(output, argv[1], "CONFIG");
    } else if (argc == 2) {
      AppendWrongArity(output, "config|get");
    } else {
      factory_->CountCommand();
      // Each parameter once, in table order, however many patterns match it (as Redis does).
      bool matched[std::size(kConfig)] = {};
      size_t count = 0;
      for (size_t i = 0; i < std::size(kConfig); ++i) {
        for (size_t j = 2; j < argc && !matched[i]; ++j) {
          if (GlobMatch(argv[j], kConfig[i].name)) {
            matched[i] = true;
            ++count;
          }
        }
      }
      AppendArrayHeader(output, count * 2);
      for (size_t i = 0; i < std::size(kConfig); ++i) {
        if (!matched[i]) continue;
        AppendBulk(output, kConfig[i].name);
        AppendBulk(output, kConfig[i].value);
      }
    }
    return true;
  }
  if (EqualsIgnoreCase(name, "info")) {
    // Counted after the text is built: Redis counts a command once it has run.
    AppendBulk(output, factory_->InfoText(argv.subspan(1)));
    factory_->CountCommand();
    return true;
  }
  AppendUnknownCommand(output, argv);
  return true;
}

RespFactory::RespFactory(const RespOptions& options, reactor::ServerStats* loop_stats,
                         reactor::StatsSnapshot total)
    : options_(options),
      loop_stats_(loop_stats != nullptr ? loop_stats : &own_stats_),
      total_(std::move(total)) {}

std::unique_ptr<reactor::Protocol> RespFactory::NewSession() {
  return std::make_unique<RespSession>(this);
}

std::string_view RespFactory::RejectionMessage() const {
  return "-ERR max number of clients reached\r\n";
}

std::string RespFactory::InfoText(absl::Span<const std::string_view> sections) const {
  bool server = false;
  bool clients = false;
  bool stats = false;
  bool metrics = false;
  if (sections.empty()) {
    server = clients = stats = metrics = true;
  }
  for (std::string_view section : sections) {
    if (EqualsIgnoreCase(section, "all") || EqualsIgnoreCase(section, "everything") ||
        EqualsIgnoreCase(section, "default")) {
      server = clients = stats = metrics = true;
    } else if (EqualsIgnoreCase(section, "metrics")) {
      metrics = true;
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
  return text;
}

}  // namespace server
