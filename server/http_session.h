// HttpSession: an HTTP/1.x keep-alive server answering GET and HEAD with one fixed body, enough
// for wrk, h2load --h1 and curl to measure the server against nginx.
#ifndef SERVER_HTTP_SESSION_H_
#define SERVER_HTTP_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/http_request_parser.h"
#include "reactor/buffer.h"
#include "reactor/protocol.h"
#include "reactor/server_stats.h"

namespace server {

struct HttpOptions {
  // The body every GET answers (HEAD: its headers only); not null. Shared, never copied: every
  // loop's factory and every response that sends it point at this one string, which may be
  // 1 GiB. Flags: --http_body=TEXT, or --http_body_bytes=N for N bytes of 'x' (main.cc builds
  // the string once).
  std::shared_ptr<const std::string> body = std::make_shared<const std::string>("Hello, World!\n");
  std::string content_type = "text/plain";
  std::string server_name = "reactor";
  // Parser limits: request line (414), header section (431), request body (413).
  size_t max_request_line_bytes = 8 * 1024;
  size_t max_header_bytes = 32 * 1024;
  uint64_t max_body_bytes = 1024 * 1024;
};

// The Date header's value (IMF-fixdate), formatted at most once per second and shared by every
// session: formatting costs about 1 us, reading the coarse clock about 2.5 ns.
class HttpDateCache {
 public:
  // `fake_now`, for tests, returns Unix seconds. Without it the cache reads the coarse clock
  // directly, with no std::function call per response.
  explicit HttpDateCache(std::function<time_t()> fake_now = nullptr);

  // E.g. "Sun, 06 Nov 1994 08:49:37 GMT".
  std::string_view Get();

 private:
  const std::function<time_t()> fake_now_;
  time_t formatted_second_ = -1;
  char text_[32] = {};
  size_t length_ = 0;
};

class HttpFactory;

// One HTTP connection: requests are answered in order; the connection closes after a response
// that says `Connection: close` (the client asked for it, HTTP/1.0 without keep-alive, an error,
// or the server is draining). Once the output is full (reactor::Output::full), the next request
// waits (ProtocolResult::paused_for_output).
class HttpSession : public reactor::Protocol {
 public:
  explicit HttpSession(HttpFactory* factory);

  reactor::ProtocolResult OnInput(std::string_view input, reactor::Output& output) override;
  void OnDrain() override { draining_ = true; }

 private:
  HttpFactory* const factory_;
  protocol::HttpRequestParser parser_;
  bool draining_ = false;
};

// Makes HttpSessions and keeps what they share: the options, the pre-built header block and the
// Date cache.
//
//   server::HttpFactory factory(options);
class HttpFactory : public reactor::ProtocolFactory {
 public:
  // Requests and protocol errors are counted in `stats` (this loop's; null: the factory's own).
  explicit HttpFactory(const HttpOptions& options, std::function<time_t()> now = nullptr,
                       reactor::ServerStats* stats = nullptr);

  std::unique_ptr<reactor::Protocol> NewSession() override;
  // A 503 with Connection: close.
  std::string_view RejectionMessage() const override;

  const HttpOptions& options() const { return options_; }
  void CountRequest() { ++stats_->requests_processed; }
  void CountProtocolError() { ++stats_->protocol_errors; }

  // Appends the whole 200 response (`head`: without the body). The body is shared, not copied,
  // once it is large enough to be worth an iovec (reactor::OutputQueue::kShareFromBytes).
  void AppendOk(reactor::Output& output, bool head, bool keep_alive, int version_minor);
  // Appends an error response with a short text body and Connection: close.
  void AppendError(reactor::Buffer& output, int status);
  // Appends 405 for methods that are parsed but not served.
  void AppendMethodNotAllowed(reactor::Buffer& output, bool keep_alive, int version_minor);

 private:
  void AppendDate(reactor::Buffer& output);

  const HttpOptions options_;
  reactor::ServerStats own_stats_;
  reactor::ServerStats* const stats_;
  HttpDateCache date_;
  // "HTTP/1.1 200 OK\r\nServer: ...\r\nContent-Type: ...\r\nContent-Length: N\r\nDate: ",
  // built once: a response is this, the date, a Connection line if needed, and the body.
  std::string ok_prefix_;
};

}  // namespace server

#endif  // SERVER_HTTP_SESSION_H_
