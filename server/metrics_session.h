// MetricsSession: the HTTP endpoint a Prometheus scrapes: GET /metrics answers the server's
// counters in the text exposition format; any other path is a 404.
#ifndef SERVER_METRICS_SESSION_H_
#define SERVER_METRICS_SESSION_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/http_request_parser.h"
#include "reactor/buffer.h"
#include "reactor/protocol.h"

namespace server {

class MetricsFactory;

// One scraper's connection, keep-alive as Prometheus uses it. GET and HEAD of /metrics (a query
// string is ignored) answer 200; other paths 404; other methods 405; a malformed request gets
// the parser's status and the connection closes.
class MetricsSession : public reactor::Protocol {
 public:
  explicit MetricsSession(MetricsFactory* factory) : factory_(factory) {}

  reactor::ProtocolResult OnInput(std::string_view input, reactor::Output& output) override;

 private:
  MetricsFactory* const factory_;
  protocol::HttpRequestParser parser_;
};

// Makes MetricsSessions; `render` produces the exposition text, on the listener's loop, once per
// scrape.
//
//   server::MetricsFactory factory([&] { return PrometheusText(group->LoopStats(), "resp"); });
//   reactor::TcpServer metrics(group->main_loop(), metrics_options, &factory);
class MetricsFactory : public reactor::ProtocolFactory {
 public:
  explicit MetricsFactory(std::function<std::string()> render) : render_(std::move(render)) {}

  std::unique_ptr<reactor::Protocol> NewSession() override;
  std::string_view RejectionMessage() const override;

  std::string Render() const { return render_(); }

 private:
  const std::function<std::string()> render_;
};

}  // namespace server

#endif  // SERVER_METRICS_SESSION_H_
