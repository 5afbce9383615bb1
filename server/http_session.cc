// HttpSession: HTTP/1.x responses for GET and HEAD, and error statuses (see http_session.h).
#include "server/http_session.h"

#include <time.h>

#include <charconv>

#include "absl/strings/str_cat.h"
#include "protocol/http_status.h"

namespace server {
namespace {

using protocol::HttpMethod;
using protocol::ParseStatus;

constexpr std::string_view kRejection =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 20\r\n"
    "Connection: close\r\n"
    "\r\n"
    "Service Unavailable\n";

// The Connection line a response needs: HTTP/1.1 keeps alive unless told; HTTP/1.0 closes
// unless told to keep alive.
std::string_view ConnectionLine(bool keep_alive, int version_minor) {
  if (!keep_alive) return "Connection: close\r\n";
  if (version_minor == 0) return "Connection: keep-alive\r\n";
  return "";
}

}  // namespace

HttpDateCache::HttpDateCache(std::function<time_t()> fake_now) : fake_now_(std::move(fake_now)) {}

std::string_view HttpDateCache::Get() {
  // time() is the coarse clock's seconds (the kernel's time at its last tick, read through the
  // vDSO): 2.5 ns here, against 5.5 ns for clock_gettime(CLOCK_REALTIME_COARSE), and a second's
  // resolution is all a Date needs.
  const time_t now = fake_now_ ? fake_now_() : time(nullptr);
  if (now != formatted_second_) {
    formatted_second_ = now;
    tm parts;
    gmtime_r(&now, &parts);
    length_ = strftime(text_, sizeof(text_), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  }
  return std::string_view(text_, length_);
}

HttpFactory::HttpFactory(const HttpOptions& options, std::function<time_t()> now,
                         reactor::ServerStats* stats)
    : options_(options), stats_(stats != nullptr ? stats : &own_stats_), date_(std::move(now)) {
  ok_prefix_ = absl::StrCat("HTTP/1.1 200 OK\r\nServer: ", options_.server_name,
                            "\r\nContent-Type: ", options_.content_type,
                            "\r\nContent-Length: ", options_.body->size(), "\r\nDate: ");
}

std::unique_ptr<reactor::Protocol> HttpFactory::NewSession() {
  return std::make_unique<HttpSession>(this);
}

std::string_view HttpFactory::RejectionMessage() const { return kRejection; }

void HttpFactory::AppendDate(reactor::Buffer& output) {
  output.Append(date_.Get());
  output.Append("\r\n", 2);
}

void HttpFactory::AppendOk(reactor::Output& output, bool head, bool keep_alive, int version_minor) {
  reactor::Buffer& bytes = output.bytes();
  bytes.Append(ok_prefix_);
  AppendDate(bytes);
  bytes.Append(ConnectionLine(keep_alive, version_minor));
  bytes.Append("\r\n", 2);
  if (!head) output.AppendBlock(options_.body);
}

void HttpFactory::AppendError(reactor::Buffer& output, int status) {
  const std::string body = absl::StrCat(std::string(protocol::HttpReasonPhrase(status)), "\n");
  output.Append(
      absl::StrCat("HTTP/1.1 ", status, " ", std::string(protocol::HttpReasonPhrase(status)),
                   "\r\nServer: ", options_.server_name,
                   "\r\nContent-Type: text/plain\r\nContent-Length: ", body.size(), "\r\nDate: "));
  AppendDate(output);
  output.Append("Connection: close\r\n\r\n");
  output.Append(body);
}

void HttpFactory::AppendMethodNotAllowed(reactor::Buffer& output, bool keep_alive,
                                         int version_minor) {
  const std::string_view body = "Method Not Allowed\n";
  output.Append(absl::StrCat("HTTP/1.1 405 Method Not Allowed\r\nServer: ", options_.server_name,
                             "\r\nAllow: GET, HEAD\r\nContent-Type: text/plain\r\nContent-Length: ",
                             body.size(), "\r\nDate: "));
  AppendDate(output);
  output.Append(ConnectionLine(keep_alive, version_minor));
  output.Append("\r\n", 2);
  output.Append(body);
}

HttpSession::HttpSession(HttpFactory* factory)
    : factory_(factory), parser_([&] {
        protocol::HttpRequestParser::Options options;
        options.max_request_line_bytes = factory->options().max_request_line_bytes;
        options.max_header_bytes = factory->options().max_header_bytes;
        options.max_body_bytes = factory->options().max_body_bytes;
        return options;
      }()) {}

reactor::ProtocolResult HttpSession::OnInput(std::string_view input, reactor::Output& output) {
  size_t offset = 0;
  while (offset < input.size()) {
    if (output.full()) {
      // Enough is owed already (pipelined GETs of a large body): the rest waits, unparsed, until
      // the connection has delivered the output.
      return reactor::ProtocolResult{.consumed = offset, .paused_for_output = true};
    }
    const protocol::HttpRequestParser::Result request = parser_.Parse(input.substr(offset));
    if (request.status == ParseStatus::kIncomplete) break;
    if (request.status == ParseStatus::kError) {
      factory_->CountProtocolError();
      factory_->AppendError(output.bytes(), request.error_status);
      return reactor::ProtocolResult{input.size(), true};
    }
    offset += request.consumed;
    factory_->CountRequest();
    // Draining: this response asks the client to go away, and is the last.
    const bool keep_alive = request.keep_alive && !draining_;
    if (request.method == HttpMethod::kGet || request.method == HttpMethod::kHead) {
      factory_->AppendOk(output, request.method == HttpMethod::kHead, keep_alive,
                         request.version_minor);
    } else {
      factory_->AppendMethodNotAllowed(output.bytes(), keep_alive, request.version_minor);
    }
    if (!keep_alive) return reactor::ProtocolResult{input.size(), true};
  }
  return reactor::ProtocolResult{offset, false};
}

}  // namespace server
