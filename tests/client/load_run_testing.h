// Helpers for tests that run the whole load client in-process against a server on loopback.
#ifndef TESTS_CLIENT_LOAD_RUN_TESTING_H_
#define TESTS_CLIENT_LOAD_RUN_TESTING_H_

#include <cstdint>
#include <utility>

#include "absl/time/time.h"
#include "client/client_options.h"
#include "client/load_run.h"
#include "gtest/gtest.h"
#include "reactor/socket_address.h"

namespace client_testing {

// A short run against 127.0.0.1:`port`: 1 s, 64-byte messages, timeouts generous enough that
// only a misbehaving server trips them. Tests change what they are about.
inline client::ClientOptions LoopbackOptions(uint16_t port, int connections) {
  client::ClientOptions o;
  o.target = *reactor::SocketAddress::FromHostPort("127.0.0.1", port);
  o.connections = connections;
  o.duration = absl::Seconds(1);
  o.message_bytes = 64;
  o.connect_timeout = absl::Seconds(2);
  o.timeout = absl::Seconds(5);
  return o;
}

// Runs the load; the run must complete and its ledger must balance, whatever the server did.
inline client::RunReport RunChecked(const client::ClientOptions& options) {
  auto report = client::RunLoad(options, nullptr, nullptr);
  EXPECT_TRUE(report.ok()) << report.status();
  if (!report.ok()) return client::RunReport();
  EXPECT_TRUE(report->stats.ledger.Balanced()) << report->stats.ledger.Format();
  return *std::move(report);
}

}  // namespace client_testing

#endif  // TESTS_CLIENT_LOAD_RUN_TESTING_H_
