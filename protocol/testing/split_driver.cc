// Split driver for parser tests and fuzzers (see split_driver.h).
#include "protocol/testing/split_driver.h"

#include <random>
#include <utility>

#include "absl/strings/str_cat.h"

namespace protocol::testing {
namespace {

std::string Abbrev(std::string_view bytes) {
  // Long payloads are described by size and ends, so descriptions stay short in failures.
  if (bytes.size() <= 64) return Escape(bytes);
  return absl::StrCat(Escape(bytes.substr(0, 24)), "...(", bytes.size(), " bytes)...",
                      Escape(bytes.substr(bytes.size() - 24)));
}

// Runs `step(buffer) -> {done_message, consumed, stop}` over the stream.
template <typename Step, typename AtEnd>
std::vector<std::string> Drive(std::string_view stream, const std::vector<size_t>& cuts, Step step,
                               AtEnd at_end) {
  std::vector<std::string> events;
  std::string buffer;
  size_t fed = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(stream.size());
  for (size_t end : ends) {
    if (end < fed || end > stream.size()) continue;
    buffer.append(stream.substr(fed, end - fed));
    fed = end;
    buffer = std::string(buffer);  // fresh memory: the parser must keep offsets, not pointers
    for (;;) {
      std::string event;
      size_t consumed = 0;
      const ParseStatus status = step(std::string_view(buffer), &event, &consumed);
      if (status == ParseStatus::kIncomplete) break;
      events.push_back(std::move(event));
      if (status == ParseStatus::kError) return events;
      if (consumed == 0 || consumed > buffer.size()) {
        events.push_back(absl::StrCat("BUG: consumed ", consumed, " of ", buffer.size()));
        return events;
      }
      buffer.erase(0, consumed);
    }
  }
  at_end(&buffer, &events);
  if (!buffer.empty()) events.push_back(absl::StrCat("pending ", buffer.size()));
  return events;
}

}  // namespace

std::string Escape(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out.push_back(c);
        } else {
          absl::StrAppend(&out, "\\x", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
        }
    }
  }
  return out;
}

std::vector<size_t> NoCuts() { return {}; }

std::vector<size_t> ByteByByteCuts(size_t size) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < size; ++i) cuts.push_back(i);
  return cuts;
}

std::vector<size_t> RandomCuts(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<size_t> cuts;
  size_t at = 0;
  while (size > 1) {
    // Mostly short pieces, sometimes long ones.
    const size_t step = 1 + (rng() % 4 == 0 ? rng() % (size + 1) : rng() % 8);
    at += step;
    if (at >= size) break;
    cuts.push_back(at);
  }
  return cuts;
}

std::vector<std::string> DriveRespRequests(std::string_view stream, const std::vector<size_t>& cuts,
                                           const RespRequestParser::Options& options) {
  RespRequestParser parser(options);
  return Drive(
      stream, cuts,
      [&](std::string_view input, std::string* event, size_t* consumed) {
        const RespRequestParser::Result r = parser.Parse(input);
        if (r.status == ParseStatus::kError) {
          *event = absl::StrCat("error: ", Escape(r.error));
        } else if (r.status == ParseStatus::kComplete) {
          std::string argv;
          for (std::string_view arg : r.argv) {
            absl::StrAppend(&argv, argv.empty() ? "" : " ", "\"", Abbrev(arg), "\"");
          }
          *event = absl::StrCat("[", argv, "] ", r.consumed);
          *consumed = r.consumed;
        }
        return r.status;
      },
      [](std::string*, std::vector<std::string>*) {});
}

std::vector<std::string> DriveRespReplies(std::string_view stream, const std::vector<size_t>& cuts,
                                          const RespReplyParser::Options& options) {
  RespReplyParser parser(options);
  return Drive(
      stream, cuts,
      [&](std::string_view input, std::string* event, size_t* consumed) {
        const RespReplyParser::Result r = parser.Parse(input);
        if (r.status == ParseStatus::kError) {
          *event = absl::StrCat("error: ", Escape(r.error));
        } else if (r.status == ParseStatus::kComplete) {
          *event = absl::StrCat(std::string(RespTypeName(r.type)), " \"", Abbrev(r.payload), "\"");
          if (r.type == RespType::kInteger || r.type == RespType::kArray) {
            absl::StrAppend(event, " ", r.integer);
          }
          absl::StrAppend(event, " ", r.consumed);
          *consumed = r.consumed;
        }
        return r.status;
      },
      [](std::string*, std::vector<std::string>*) {});
}

std::vector<std::string> DriveHttpRequests(std::string_view stream, const std::vector<size_t>& cuts,
                                           const HttpRequestParser::Options& options) {
  HttpRequestParser parser(options);
  return Drive(
      stream, cuts,
      [&](std::string_view input, std::string* event, size_t* consumed) {
        const HttpRequestParser::Result r = parser.Parse(input);
        if (r.status == ParseStatus::kError) {
          *event = absl::StrCat("error ", r.error_status, ": ", std::string(r.error));
        } else if (r.status == ParseStatus::kComplete) {
          *event =
              absl::StrCat(std::string(HttpMethodName(r.method)), " ", Abbrev(r.target), " 1.",
                           r.version_minor, r.keep_alive ? " keep-alive" : " close",
                           r.chunked ? " chunked" : "", " body=", r.body_bytes, " ", r.consumed);
          *consumed = r.consumed;
        }
        return r.status;
      },
      [](std::string*, std::vector<std::string>*) {});
}

std::vector<std::string> DriveHttpResponses(std::string_view stream,
                                            const std::vector<size_t>& cuts,
                                            const HttpResponseParser::Options& options) {
  HttpResponseParser parser(options);
  auto describe = [](const HttpResponseParser::Result& r, std::string* event) {
    if (r.status == ParseStatus::kError) {
      *event = absl::StrCat("error: ", std::string(r.error));
    } else {
      *event = absl::StrCat(r.status_code, " 1.", r.version_minor,
                            r.keep_alive ? " keep-alive" : " close", r.chunked ? " chunked" : "",
                            " body=", r.body_bytes, " \"", Abbrev(r.body), "\" ", r.consumed);
    }
  };
  bool stopped = false;
  return Drive(
      stream, cuts,
      [&](std::string_view input, std::string* event, size_t* consumed) {
        const HttpResponseParser::Result r = parser.Parse(input);
        if (r.status != ParseStatus::kIncomplete) describe(r, event);
        if (r.status == ParseStatus::kComplete) *consumed = r.consumed;
        if (r.status == ParseStatus::kError) stopped = true;
        return r.status;
      },
      [&](std::string* rest, std::vector<std::string>* events) {
        if (stopped) return;
        const HttpResponseParser::Result r = parser.Finish(*rest);
        if (r.status == ParseStatus::kIncomplete) return;
        rest->erase(0, r.consumed);
        std::string event;
        describe(r, &event);
        events->push_back(absl::StrCat("at close: ", event));
      });
}

}  // namespace protocol::testing
