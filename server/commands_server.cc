// Connection and server commands: PING ECHO QUIT COMMAND CONFIG INFO SELECT DBSIZE FLUSHALL
// FLUSHDB SHUTDOWN.
#include <iterator>
#include <string>

#include "keyspace/glob.h"
#include "protocol/ascii.h"
#include "server/command.h"
#include "server/resp_session.h"

namespace server {
namespace {

using protocol::EqualsIgnoreCase;

void Ping(CommandContext& c, Args argv) {
  if (argv.size() > 2) {
    AppendWrongArity(c.out, "ping");
  } else if (argv.size() == 1) {
    c.out.Append("+PONG\r\n", 7);
  } else {
    AppendBulk(c.out, argv[1]);
  }
}

void Echo(CommandContext& c, Args argv) { AppendBulk(c.out, argv[1]); }

void Quit(CommandContext& c, Args) {
  AppendOk(c.out);
  c.close_connection = true;
}

void CommandCommand(CommandContext& c, Args argv) {
  // redis-cli 7 asks for COMMAND DOCS when it starts interactively and builds its hints from
  // the reply; an empty array gives it no hints and no trouble.
  if (argv.size() == 1 || EqualsIgnoreCase(argv[1], "docs") || EqualsIgnoreCase(argv[1], "info")) {
    c.out.Append("*0\r\n", 4);
  } else if (EqualsIgnoreCase(argv[1], "count")) {
    c.out.Append(":0\r\n", 4);
  } else {
    AppendUnknownSubcommand(c.out, argv[1], "COMMAND");
  }
}

void Config(CommandContext& c, Args argv) {
  if (!EqualsIgnoreCase(argv[1], "get")) {
    AppendUnknownSubcommand(c.out, argv[1], "CONFIG");
    return;
  }
  if (argv.size() == 2) {
    AppendWrongArity(c.out, "config|get");
    return;
  }
  // The configuration of a server that neither snapshots nor logs (redis-benchmark asks for
  // these two at start), and its memory limit.
  const std::string maxmemory = std::to_string(c.factory.options().maxmemory_bytes);
  const std::pair<std::string_view, std::string_view> config[] = {
      {"save", ""},
      {"appendonly", "no"},
      {"maxmemory", maxmemory},
      {"maxmemory-policy", "noeviction"},
  };
  // Each parameter once, in table order, however many patterns match it (as Redis does).
  bool matched[std::size(config)] = {};
  size_t count = 0;
  for (size_t i = 0; i < std::size(config); ++i) {
    for (size_t j = 2; j < argv.size() && !matched[i]; ++j) {
      if (keyspace::GlobMatch(argv[j], config[i].first, /*nocase=*/true)) {
        matched[i] = true;
        ++count;
      }
    }
  }
  AppendArrayHeader(c.out, count * 2);
  for (size_t i = 0; i < std::size(config); ++i) {
    if (!matched[i]) continue;
    AppendBulk(c.out, config[i].first);
    AppendBulk(c.out, config[i].second);
  }
}

void Info(CommandContext& c, Args argv) {
  AppendBulk(c.out, c.factory.InfoText(argv.subspan(1), c.dataset));
}

void Select(CommandContext& c, Args argv) {
  std::optional<int64_t> index = IntegerArg(c, argv[1]);
  if (!index) return;
  // One database, as a Redis started with --databases 1.
  if (*index != 0) {
    AppendError(c.out, "ERR DB index is out of range");
    return;
  }
  AppendOk(c.out);
}

void DbSize(CommandContext& c, Args) { AppendInteger(c.out, static_cast<int64_t>(c.keys.size())); }

void Flush(CommandContext& c, Args argv) {
  if (argv.size() > 2 || (argv.size() == 2 && !EqualsIgnoreCase(argv[1], "sync") &&
                          !EqualsIgnoreCase(argv[1], "async"))) {
    AppendSyntaxError(c.out);
    return;
  }
  c.keys.Clear();
  AppendOk(c.out);
}

void Shutdown(CommandContext& c, Args argv) {
  for (std::string_view option : argv.subspan(1)) {
    if (!EqualsIgnoreCase(option, "nosave") && !EqualsIgnoreCase(option, "save") &&
        !EqualsIgnoreCase(option, "now") && !EqualsIgnoreCase(option, "force")) {
      AppendSyntaxError(c.out);
      return;
    }
  }
  const std::function<void()>& shutdown = c.factory.options().shutdown;
  if (!shutdown) {
    AppendError(c.out, "ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  // As Redis: no reply; the connection closes and the server stops as on SIGTERM.
  shutdown();
  c.close_connection = true;
}

constexpr Command kCommands[] = {
    {"ping", -1, false, Ping},         {"echo", 2, false, Echo},
    {"quit", -1, false, Quit},         {"command", -1, false, CommandCommand},
    {"config", -2, false, Config},     {"info", -1, false, Info},
    {"select", 2, false, Select},      {"dbsize", 1, false, DbSize},
    {"flushall", -1, false, Flush},    {"flushdb", -1, false, Flush},
    {"shutdown", -1, false, Shutdown},
};

}  // namespace

absl::Span<const Command> ServerCommands() { return kCommands; }

}  // namespace server
