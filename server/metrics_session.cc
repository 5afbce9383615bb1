// MetricsSession: routing a scrape, and the responses' framing.
#include "server/metrics_session.h"

#include "absl/strings/str_cat.h"
#include "protocol/http_status.h"
#include "server/prometheus_text.h"

namespace server {
namespace {

using protocol::HttpMethod;
using protocol::ParseStatus;

void AppendResponse(reactor::Buffer& output, int status, std::string_view content_type,
                    std::string_view body, bool head, bool keep_alive) {
  std::string text =
      absl::StrCat("HTTP/1.1 ", status, " ", std::string(protocol::HttpReasonPhrase(status)),
                   "\r\nContent-Type: ", std::string(content_type),
                   "\r\nContent-Length: ", body.size(), status == 405 ? "\r\nAllow: GET, HEAD" : "",
                   keep_alive ? "" : "\r\nConnection: close", "\r\n\r\n");
  if (!head) text.append(body);
  output.Append(text);
}

}  // namespace

reactor::ProtocolResult MetricsSession::OnInput(std::string_view input, reactor::Output& out) {
  reactor::Buffer& output = out.bytes();
  size_t offset = 0;
  while (offset < input.size()) {
    if (out.full()) return reactor::ProtocolResult{.consumed = offset, .paused_for_output = true};
    const protocol::HttpRequestParser::Result request = parser_.Parse(input.substr(offset));
    if (request.status == ParseStatus::kIncomplete) break;
    if (request.status == ParseStatus::kError) {
      const int status = request.error_status;
      AppendResponse(output, status, "text/plain",
                     absl::StrCat(std::string(protocol::HttpReasonPhrase(status)), "\n"), false,
                     false);
      return reactor::ProtocolResult{input.size(), true};
    }
    offset += request.consumed;
    const bool head = request.method == HttpMethod::kHead;
    std::string_view path = request.target;
    path = path.substr(0, path.find('?'));
    if (request.method != HttpMethod::kGet && !head) {
      AppendResponse(output, 405, "text/plain", "Method Not Allowed\n", false, request.keep_alive);
    } else if (path != "/metrics") {
      AppendResponse(output, 404, "text/plain", "Not Found: try /metrics\n", head,
                     request.keep_alive);
    } else {
      AppendResponse(output, 200, kPrometheusContentType, factory_->Render(), head,
                     request.keep_alive);
    }
    if (!request.keep_alive) return reactor::ProtocolResult{input.size(), true};
  }
  return reactor::ProtocolResult{offset, false};
}

std::unique_ptr<reactor::Protocol> MetricsFactory::NewSession() {
  return std::make_unique<MetricsSession>(this);
}

std::string_view MetricsFactory::RejectionMessage() const {
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n"
         "Connection: close\r\n\r\nService Unavailable\n";
}

}  // namespace server
