// ClientOptions: everything a load run is configured by, checked up front so that a bad value
// stops the client before it opens a socket, with the flag named and the accepted range given.
#ifndef CLIENT_CLIENT_OPTIONS_H_
#define CLIENT_CLIENT_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "reactor/socket_address.h"

namespace client {

enum class ClientProtocol { kEcho, kResp, kHttp };
std::string_view ClientProtocolName(ClientProtocol protocol);

struct ClientOptions {
  std::string target_text;
  reactor::SocketAddress target;
  ClientProtocol protocol = ClientProtocol::kEcho;
  int connections = 100;
  int threads = 1;
  absl::Duration duration = absl::Seconds(10);  // measured time, after the warm-up
  uint64_t requests = 0;                        // if > 0, stop after this many (not by duration)
  absl::Duration warmup = absl::ZeroDuration();
  size_t message_bytes = 64;
  int pipeline = 1;  // closed loop: requests in flight per connection
  double rate = 0;   // requests/s in total; 0 = closed loop
  // Fixed rate: the most requests one connection may have in flight. Large: a fixed rate is an
  // open loop, and only a server that stops answering should ever reach it (reported if it does).
  int max_in_flight = 4096;

  double connect_rate = 0;  // connects/s in total; 0 = as fast as possible
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration timeout = absl::Seconds(10);  // response timeout
  bool reconnect = false;
  absl::Duration reconnect_backoff_min = absl::Milliseconds(10);
  absl::Duration reconnect_backoff_max = absl::Seconds(1);
  // The end: wait up to min(drain, timeout) for replies in flight, then shut down the sending
  // side and wait up to close_wait for the server's EOF.
  absl::Duration drain = absl::Seconds(1);
  absl::Duration close_wait = absl::Milliseconds(200);
  // Exit 0 only if (error replies + timeouts + requests lost + unanswered or owed at the end) /
  // requests scheduled or sent is at most this.
  double max_error_ratio = 0;
  // Fixed rate: exit 0 only if the achieved send rate is within this fraction below --rate.
  double rate_tolerance = 0.01;
  std::vector<reactor::SocketAddress> source_addresses;

  std::string command = "PING";  // --protocol=resp: a command line (see RespCodec)
  std::string path = "/";        // --protocol=http
  std::string host_header;       // --protocol=http; default: the target

  bool progress = true;
  std::string json_path;

  // Checks ranges and combinations. The message names the flag and its accepted range.
  absl::Status Validate() const;
};

// "1000", "1000/s" or "2.5k/s" -> requests per second. Rejects negative and non-numeric values.
absl::StatusOr<double> ParseRate(std::string_view text);
// "127.0.0.1,127.0.0.2" or "127.0.0.1-127.0.0.8" (IPv4 ranges), or a mix: "10.0.0.1-10.0.0.3,::1".
absl::StatusOr<std::vector<reactor::SocketAddress>> ParseSourceAddresses(std::string_view text);

}  // namespace client

#endif  // CLIENT_CLIENT_OPTIONS_H_
