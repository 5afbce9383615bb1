// MetricsEndpoint: the --metrics_port listener: a TcpServer of MetricsSessions on a server
// group's loop 0, reporting every loop's counters.
#ifndef SERVER_METRICS_ENDPOINT_H_
#define SERVER_METRICS_ENDPOINT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "reactor/server_group.h"
#include "reactor/socket_address.h"
#include "reactor/tcp_server.h"
#include "server/metrics_session.h"

namespace server {

// Scrapes are answered on loop 0 between its other work: a scrape costs that loop a few tens of
// microseconds (rendering reads every loop's counters, no locks), and the loops serving clients
// never see it. Its connections have their own counters, apart from the server's.
//
//   auto metrics = MetricsEndpoint::Start(group.get(), "127.0.0.1", 9100, "resp");
class MetricsEndpoint {
 public:
  // Binds and starts accepting on `group`'s loop 0; call before group->Run(), and destroy after
  // it returns, before the group. `protocol` labels the per-protocol families.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(reactor::ServerGroup* group,
                                                                const std::string& host,
                                                                uint16_t port,
                                                                const std::string& protocol);

  const reactor::SocketAddress& address() const { return server_->address(); }

 private:
  MetricsEndpoint(reactor::ServerGroup* group, const std::string& protocol);

  MetricsFactory factory_;
  std::unique_ptr<reactor::TcpServer> server_;
};

}  // namespace server

#endif  // SERVER_METRICS_ENDPOINT_H_
