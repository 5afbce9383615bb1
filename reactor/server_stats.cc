// ServerStats::Add: the one place that lists every counter, for sums over loops.
#include "reactor/server_stats.h"

#include <utility>

namespace reactor {

void ServerStats::Add(const ServerStats& other) {
  if (start_nanos == 0 || (other.start_nanos != 0 && other.start_nanos < start_nanos)) {
    start_nanos = other.start_nanos;
  }
  for (auto [mine, theirs] : {
           std::pair{&connections_accepted, &other.connections_accepted},
           std::pair{&connections_rejected, &other.connections_rejected},
           std::pair{&connections_current, &other.connections_current},
           std::pair{&connections_closed_by_peer, &other.connections_closed_by_peer},
           std::pair{&connections_reset_by_peer, &other.connections_reset_by_peer},
           std::pair{&connections_lost_to_network_timeout,
                     &other.connections_lost_to_network_timeout},
           std::pair{&connections_closed_on_error, &other.connections_closed_on_error},
           std::pair{&connections_timed_out, &other.connections_timed_out},
           std::pair{&timed_out_idle, &other.timed_out_idle},
           std::pair{&timed_out_request, &other.timed_out_request},
           std::pair{&timed_out_keepalive, &other.timed_out_keepalive},
           std::pair{&timed_out_send, &other.timed_out_send},
           std::pair{&bytes_in, &other.bytes_in},
           std::pair{&bytes_out, &other.bytes_out},
           std::pair{&read_pauses, &other.read_pauses},
           std::pair{&requests_processed, &other.requests_processed},
       }) {
    *mine += theirs->value();
  }
}

}  // namespace reactor
