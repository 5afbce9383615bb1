// MetricsEndpoint: the listener's options and the render callback.
#include "server/metrics_endpoint.h"

#include "server/prometheus_text.h"

namespace server {

MetricsEndpoint::MetricsEndpoint(reactor::ServerGroup* group, const std::string& protocol)
    : factory_([group, protocol] { return PrometheusText(group->LoopStats(), protocol); }) {}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    reactor::ServerGroup* group, const std::string& host, uint16_t port,
    const std::string& protocol) {
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint(group, protocol));
  reactor::TcpServerOptions options;
  options.listener.host = host;
  options.listener.port = port;
  // A few scrapers, not a crowd; and none may hold a connection half-sent for ever.
  options.max_connections = 64;
  options.idle_timeout = absl::Minutes(5);
  options.request_timeout = absl::Seconds(10);
  options.send_timeout = absl::Seconds(10);
  endpoint->server_ =
      std::make_unique<reactor::TcpServer>(group->main_loop(), options, &endpoint->factory_);
  if (absl::Status status = endpoint->server_->Start(); !status.ok()) return status;
  return endpoint;
}

}  // namespace server
