// RESP2 reply writers (see resp_reply.h).
#include "server/resp_reply.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"

namespace server {
namespace {

// Appends `prefix`, the decimal `value` and CRLF.
void AppendNumberLine(reactor::Buffer& output, char prefix, int64_t value) {
  char line[32];
  line[0] = prefix;
  char* end = std::to_chars(line + 1, line + sizeof(line) - 2, value).ptr;
  *end++ = '\r';
  *end++ = '\n';
  output.Append(line, static_cast<size_t>(end - line));
}

}  // namespace

void AppendSimple(reactor::Buffer& output, std::string_view text) {
  output.Append("+", 1);
  output.Append(text);
  output.Append("\r\n", 2);
}

void AppendOk(reactor::Buffer& output) { output.Append("+OK\r\n", 5); }

void AppendInteger(reactor::Buffer& output, int64_t value) { AppendNumberLine(output, ':', value); }

void AppendBulk(reactor::Buffer& output, std::string_view data) {
  AppendNumberLine(output, '$', static_cast<int64_t>(data.size()));
  output.Append(data);
  output.Append("\r\n", 2);
}

void AppendNullBulk(reactor::Buffer& output) { output.Append("$-1\r\n", 5); }

void AppendNullArray(reactor::Buffer& output) { output.Append("*-1\r\n", 5); }

void AppendArrayHeader(reactor::Buffer& output, size_t count) {
  AppendNumberLine(output, '*', static_cast<int64_t>(count));
}

void AppendDouble(reactor::Buffer& output, double value) {
  if (std::isinf(value)) {
    AppendBulk(output, value > 0 ? "inf" : "-inf");
    return;
  }
  char text[64];
  const int length = std::snprintf(text, sizeof(text), "%.17g", value);
  AppendBulk(output, std::string_view(text, static_cast<size_t>(length)));
}

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

void AppendWrongType(reactor::Buffer& output) {
  output.Append("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

void AppendSyntaxError(reactor::Buffer& output) { output.Append("-ERR syntax error\r\n"); }

void AppendNotInteger(reactor::Buffer& output) {
  output.Append("-ERR value is not an integer or out of range\r\n");
}

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

}  // namespace server
