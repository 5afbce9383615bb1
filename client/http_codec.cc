// HttpCodec: the request line and the status-class verdict.
#include "client/http_codec.h"

#include "absl/strings/str_cat.h"

namespace client {
namespace {

constexpr std::string_view kClassNames[] = {"HTTP other status", "HTTP 1xx", "HTTP 2xx",
                                            "HTTP 3xx",          "HTTP 4xx", "HTTP 5xx"};

}  // namespace

HttpCodec::HttpCodec(std::string_view path, std::string_view host)
    : request_(absl::StrCat("GET ", absl::string_view(path.data(), path.size()),
                            " HTTP/1.1\r\nHost: ", absl::string_view(host.data(), host.size()),
                            "\r\nUser-Agent: reactor-load-client\r\n\r\n")) {}

std::unique_ptr<ResponseVerifier> HttpCodec::NewVerifier(std::string_view request) const {
  return std::make_unique<HttpVerifier>();
}

VerifyResult HttpVerifier::Next(std::string_view input) { return Verify(input, false); }

VerifyResult HttpVerifier::Finish(std::string_view input) { return Verify(input, true); }

VerifyResult HttpVerifier::Verify(std::string_view input, bool at_eof) {
  VerifyResult out;
  size_t skipped = 0;  // interim responses, consumed whether or not the final one is complete
  while (true) {
    const std::string_view rest = input.substr(skipped);
    const protocol::HttpResponseParser::Result r =
        at_eof ? parser_.Finish(rest) : parser_.Parse(rest);
    if (r.status == protocol::ParseStatus::kIncomplete) {
      out.consumed = skipped;
      return out;
    }
    if (r.status == protocol::ParseStatus::kError) {
      out.kind = VerifyResult::kMalformed;
      out.consumed = skipped;
      out.detail = r.error.empty() ? std::string_view("malformed HTTP response") : r.error;
      return out;
    }
    parser_.Reset();
    if (r.status_code >= 100 && r.status_code < 200 && r.status_code != 101) {
      skipped += r.consumed;
      continue;
    }
    out.consumed = skipped + r.consumed;
    // After 101 the connection no longer speaks HTTP.
    out.last_on_connection = at_eof || !r.keep_alive || r.status_code == 101;
    const int status_class = r.status_code / 100;
    out.status_class = status_class >= 1 && status_class <= 5 ? status_class : 0;
    if (status_class == 2) {
      out.kind = VerifyResult::kOk;
    } else {
      out.kind = VerifyResult::kErrorReply;
      out.detail = kClassNames[out.status_class];
    }
    return out;
  }
}

}  // namespace client
