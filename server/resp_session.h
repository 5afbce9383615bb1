// RespSession: a Redis-compatible RESP2 subset (PING, ECHO, QUIT, COMMAND, CONFIG GET, INFO),
// enough for redis-cli and redis-benchmark to treat the server as a Redis.
#ifndef SERVER_RESP_SESSION_H_
#define SERVER_RESP_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "protocol/resp_request_parser.h"
#include "reactor/buffer.h"
#include "reactor/protocol.h"
#include "reactor/server_stats.h"

namespace server {

struct RespOptions {
  // Largest bulk argument ("$<len>"); Redis's proto-max-bulk-len. Flag: --max_bulk_bytes.
  int64_t max_bulk_bytes = 512LL * 1024 * 1024;
  // Largest unconsumed input (Redis's client-max-query-buffer): past it the client gets a
  // protocol error and is closed. Flag: --max_request_bytes.
  size_t max_request_bytes = 1024ULL * 1024 * 1024;
};

class RespFactory;

// One RESP connection. Replies are appended straight into the output buffer: PING and ECHO
// allocate nothing per request once the parser's vectors are warm. Once the output holds
// reactor::kOutputBudgetBytes, the next request waits (ProtocolResult::paused_for_output).
class RespSession : public reactor::Protocol {
 public:
  explicit RespSession(RespFactory* factory);

  reactor::ProtocolResult OnInput(std::string_view input, reactor::Buffer& output) override;
  size_t memory_bytes() const override { return parser_.memory_bytes(); }

 private:
  // Runs one command. Returns false if the connection must close after the reply (QUIT).
  bool Execute(absl::Span<const std::string_view> argv, reactor::Buffer& output);

  RespFactory* const factory_;
  protocol::RespRequestParser parser_;
};

// Makes RespSessions and keeps what they share: the options and the server's counters, where
// commands are counted and INFO reads.
//
//   reactor::ServerStats stats;
//   server::RespFactory factory(options, &stats);
//   reactor::TcpServer tcp_server(loop, server_options, &factory, &stats);
class RespFactory : public reactor::ProtocolFactory {
 public:
  // Commands are counted in `loop_stats` (this loop's counters; null: the factory's own). INFO
  // reports `total()` when given (every loop of a ServerGroup), else `loop_stats`. Both must
  // outlive the factory.
  RespFactory(const RespOptions& options, reactor::ServerStats* loop_stats,
              reactor::StatsSnapshot total = nullptr);

  std::unique_ptr<reactor::Protocol> NewSession() override;
  std::string_view RejectionMessage() const override;

  const RespOptions& options() const { return options_; }
  uint64_t commands_processed() const { return loop_stats_->requests_processed; }
  void CountCommand() { ++loop_stats_->requests_processed; }
  void CountProtocolError() { ++loop_stats_->protocol_errors; }

  // The INFO reply's text for `sections` (none: the default sections), as Redis formats it.
  std::string InfoText(absl::Span<const std::string_view> sections) const;

 private:
  const RespOptions options_;
  reactor::ServerStats own_stats_;
  reactor::ServerStats* const loop_stats_;
  const reactor::StatsSnapshot total_;
};

}  // namespace server

#endif  // SERVER_RESP_SESSION_H_
