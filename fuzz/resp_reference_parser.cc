// The fuzzer's reference RESP request parser (see resp_reference_parser.h).
#include "fuzz/resp_reference_parser.h"

#include <charconv>
#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "protocol/testing/split_driver.h"

namespace fuzz {
namespace {

// Redis's string2ll: optional '-', then digits without a leading zero ("0" alone is fine), in
// int64 range.
std::optional<int64_t> StrictInteger(std::string_view text) {
  if (text == "0") return 0;
  const std::string_view digits = text.substr(text.starts_with('-') ? 1 : 0);
  if (digits.empty() || digits[0] < '1' || digits[0] > '9') return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool IsBlank(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }  // C isspace()
bool EndsToken(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

RespOutcome ParseRespRequestsSimply(std::string_view stream,
                                    const protocol::RespRequestParser::Options& options) {
  RespOutcome out;
  const size_t max_line = options.max_inline_bytes;
  auto fail = [&](std::string message) {
    out.end = RespOutcome::End::kError;
    out.error = std::move(message);
    return out;
  };
  auto pending = [&](std::string_view rest) {
    out.end = RespOutcome::End::kPending;
    out.pending = rest.size();
    return out;
  };
  while (!stream.empty()) {
    const std::string_view rest = stream;
    std::vector<std::string> argv;
    size_t used = 0;
    if (rest[0] != '*') {
      // Inline: one line up to "\n", at most max_line bytes before it.
      const size_t lf = rest.find('\n');
      if (lf == std::string_view::npos || lf > max_line) {
        return rest.size() > max_line ? fail("too big inline request") : pending(rest);
      }
      std::string_view line = rest.substr(0, lf);
      if (line.ends_with('\r')) line.remove_suffix(1);
      line = line.substr(0, line.find('\0'));  // a C string to Redis
      if (line.find_first_of("\"'") != std::string_view::npos) {
        out.end = RespOutcome::End::kUnsure;
        return out;
      }
      size_t i = 0;
      for (;;) {
        while (i < line.size() && IsBlank(line[i])) ++i;
        if (i == line.size()) break;
        const size_t begin = i;
        while (i < line.size() && !EndsToken(line[i])) ++i;
        argv.emplace_back(line.substr(begin, i - begin));
      }
      used = lf + 1;
    } else {
      // Multibulk: "*<count>\r?" then count times "$<len>\r?" and len bytes plus two.
      const size_t cr = rest.find('\r');
      if (cr == std::string_view::npos || cr > max_line) {
        return rest.size() > max_line ? fail("too big mbulk count string") : pending(rest);
      }
      if (cr + 2 > rest.size()) return pending(rest);
      const std::optional<int64_t> count = StrictInteger(rest.substr(1, cr - 1));
      if (!count || *count > options.max_multibulk_count) {
        return fail("invalid multibulk length");
      }
      size_t pos = cr + 2;
      for (int64_t n = 0; n < *count; ++n) {
        const size_t bulk_cr = rest.find('\r', pos);
        if (bulk_cr == std::string_view::npos || bulk_cr - pos > max_line) {
          return rest.size() - pos > max_line ? fail("too big bulk count string") : pending(rest);
        }
        if (bulk_cr + 2 > rest.size()) return pending(rest);
        if (rest[pos] != '$')
          return fail(absl::StrCat("expected '$', got '", std::string(rest.substr(pos, 1)), "'"));
        const std::optional<int64_t> length =
            StrictInteger(rest.substr(pos + 1, bulk_cr - pos - 1));
        if (!length || *length < 0 || *length > options.max_bulk_bytes) {
          return fail("invalid bulk length");
        }
        pos = bulk_cr + 2;
        if (rest.size() - pos < static_cast<size_t>(*length) + 2) return pending(rest);
        argv.emplace_back(rest.substr(pos, static_cast<size_t>(*length)));
        pos += static_cast<size_t>(*length) + 2;
      }
      used = pos;
    }
    out.requests.push_back(std::move(argv));
    out.consumed.push_back(used);
    stream.remove_prefix(used);
  }
  return out;
}

RespOutcome ParseRespRequestsReally(std::string_view stream,
                                    const protocol::RespRequestParser::Options& options) {
  RespOutcome out;
  protocol::RespRequestParser parser(options);
  size_t offset = 0;
  while (offset < stream.size()) {
    const protocol::RespRequestParser::Result r = parser.Parse(stream.substr(offset));
    if (r.status == protocol::ParseStatus::kError) {
      out.end = RespOutcome::End::kError;
      out.error = std::string(r.error);
      return out;
    }
    if (r.status == protocol::ParseStatus::kIncomplete) break;
    out.requests.emplace_back(r.argv.begin(), r.argv.end());
    out.consumed.push_back(r.consumed);
    offset += r.consumed;
  }
  out.pending = stream.size() - offset;
  return out;
}

std::string SerializeRespRequest(const std::vector<std::string>& argv) {
  std::string out = absl::StrCat("*", argv.size(), "\r\n");
  for (const std::string& arg : argv) absl::StrAppend(&out, "$", arg.size(), "\r\n", arg, "\r\n");
  return out;
}

std::string Describe(const RespOutcome& outcome) {
  std::string text;
  for (size_t i = 0; i < outcome.requests.size(); ++i) {
    absl::StrAppend(&text, "  [");
    for (const std::string& arg : outcome.requests[i]) {
      absl::StrAppend(&text, " \"", protocol::testing::Escape(arg), "\"");
    }
    absl::StrAppend(&text, " ] ", outcome.consumed[i], "\n");
  }
  switch (outcome.end) {
    case RespOutcome::End::kPending:
      absl::StrAppend(&text, "  pending ", outcome.pending, "\n");
      break;
    case RespOutcome::End::kError:
      absl::StrAppend(&text, "  error: ", protocol::testing::Escape(outcome.error), "\n");
      break;
    case RespOutcome::End::kUnsure:
      absl::StrAppend(&text, "  (reference stops at a quoted inline line)\n");
      break;
  }
  return text;
}

}  // namespace fuzz
