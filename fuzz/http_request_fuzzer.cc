// Fuzz target for HttpRequestParser, with default and tiny limits: whole parse == split parse,
// and every request, written out again from what the parser reported (method, target, version,
// framing, body length, keep-alive) and parsed again, is reported the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "fuzz/fuzz_common.h"
#include "protocol/http_request_parser.h"

namespace {

using protocol::HttpRequestParser;
using protocol::ParseStatus;

std::string Serialize(const HttpRequestParser::Result& r) {
  std::string out =
      absl::StrCat(std::string(protocol::HttpMethodName(r.method)), " ", std::string(r.target),
                   " HTTP/1.", r.version_minor, "\r\nHost: fuzz\r\n");
  if (r.version_minor == 0 && r.keep_alive) out += "Connection: keep-alive\r\n";
  if (r.version_minor >= 1 && !r.keep_alive) out += "Connection: close\r\n";
  const std::string body(r.body_bytes, 'b');
  if (r.chunked) {
    out += "Transfer-Encoding: chunked\r\n\r\n";
    if (r.body_bytes > 0) absl::StrAppend(&out, absl::Hex(r.body_bytes), "\r\n", body, "\r\n");
    out += "0\r\n\r\n";
  } else {
    absl::StrAppend(&out, "Content-Length: ", r.body_bytes, "\r\n\r\n", body);
  }
  return out;
}

std::string Describe(const HttpRequestParser::Result& r) {
  return absl::StrCat(std::string(protocol::HttpMethodName(r.method)), " ",
                      protocol::testing::Escape(r.target), " 1.", r.version_minor,
                      r.keep_alive ? " keep-alive" : " close", r.chunked ? " chunked" : "",
                      " body=", r.body_bytes, " consumed=", r.consumed);
}

void CheckReserialized(std::string_view stream, const HttpRequestParser::Options& options) {
  HttpRequestParser parser(options);
  size_t offset = 0;
  while (offset < stream.size()) {
    const HttpRequestParser::Result first = parser.Parse(stream.substr(offset));
    if (first.status != ParseStatus::kComplete) return;
    offset += first.consumed;
    const std::string again = Serialize(first);
    // Default limits: the Host and framing lines written out may not fit tiny ones.
    HttpRequestParser fresh;
    const HttpRequestParser::Result second = fresh.Parse(again);
    if (second.status == ParseStatus::kComplete && second.consumed == again.size() &&
        second.method == first.method && second.target == first.target &&
        second.version_minor == first.version_minor && second.keep_alive == first.keep_alive &&
        second.chunked == first.chunked && second.body_bytes == first.body_bytes) {
      continue;
    }
    const std::string second_text =
        second.status == ParseStatus::kComplete
            ? Describe(second)
            : absl::StrCat("not complete: ", second.error_status, " ", std::string(second.error));
    std::fprintf(stderr, "a request written out again parses differently\nfirst:  %s\nagain:  %s\n",
                 Describe(first).c_str(), second_text.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  HttpRequestParser::Options tiny;
  tiny.max_request_line_bytes = 24;
  tiny.max_header_bytes = 48;
  tiny.max_body_bytes = 16;
  for (const HttpRequestParser::Options& options : {HttpRequestParser::Options{}, tiny}) {
    fuzz::CheckSplits(data, size, [&](std::string_view stream, const std::vector<size_t>& cuts) {
      return protocol::testing::DriveHttpRequests(stream, cuts, options);
    });
    if (size == 0) continue;
    const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
    CheckReserialized(stream, options);
  }
  return 0;
}
