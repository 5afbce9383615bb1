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

VerifyResult HttpVerifier::Next(std::string_view input) {
  const protocol::HttpResponseParser::Result r = parser_.Parse(input);
  VerifyResult out;
  if (r.status == protocol::ParseStatus::kIncomplete) return out;
  if (r.status == protocol::ParseStatus::kError) {
    out.kind = VerifyResult::kMalformed;
    out.detail = r.error.empty() ? std::string_view("malformed HTTP response") : r.error;
    return out;
  }
  parser_.Reset();
  out.consumed = r.consumed;
  out.last_on_connection = !r.keep_alive;
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

}  // namespace client
