// RespSession: a Redis-compatible RESP2 server session: requests parsed, dispatched through the
// command table (server/command_table.h) against the shared keyspace, replies as Redis 7.0's.
#ifndef SERVER_RESP_SESSION_H_
#define SERVER_RESP_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "keyspace/keyspace.h"
#include "protocol/resp_request_parser.h"
#include "reactor/buffer.h"
#include "reactor/protocol.h"
#include "reactor/server_stats.h"
#include "server/allocation_counter.h"
#include "server/dataset.h"

namespace server {

struct RespOptions {
  // Largest bulk argument ("$<len>"); Redis's proto-max-bulk-len. Flag: --max_bulk_bytes.
  int64_t max_bulk_bytes = 512LL * 1024 * 1024;
  // Largest unconsumed input (Redis's client-max-query-buffer): past it the client gets a
  // protocol error and is closed. Flag: --max_request_bytes.
  size_t max_request_bytes = 1024ULL * 1024 * 1024;
  // Used memory (server/allocation_counter.h) above which commands that may grow the dataset
  // get Redis's OOM error (maxmemory-policy noeviction); 0: no limit. Flag: --maxmemory.
  uint64_t maxmemory_bytes = 0;
  // Heap bytes in use, for INFO's used_memory and the maxmemory check (tests pin it).
  uint64_t (*used_memory)() = &UsedMemoryBytes;
  // Replies in a fixed order where Redis's follows its hash table (KEYS, SMEMBERS, HGETALL: sorted;
  // SPOP: the smallest member), so two runs of the same commands answer alike (the session
  // fuzzer compares deliveries). Off: hash-table order, which differs between tables, as Redis's.
  bool sorted_replies = false;
  // What SHUTDOWN does (the server binary stops as on SIGTERM); unset: SHUTDOWN fails.
  std::function<void()> shutdown;
};

class RespFactory;

// One RESP connection. Replies are appended straight into the output buffer: PING, ECHO and GET
// allocate nothing per request once the parser's vectors are warm. Once the output is full
// (reactor::Output::full), the next request waits (ProtocolResult::paused_for_output).
class RespSession : public reactor::Protocol {
 public:
  explicit RespSession(RespFactory* factory);

  reactor::ProtocolResult OnInput(std::string_view input, reactor::Output& output) override;
  size_t memory_bytes() const override { return parser_.memory_bytes(); }

 private:
  RespFactory* const factory_;
  protocol::RespRequestParser parser_;
};

// Makes RespSessions and keeps what they share: the options, the dataset and the server's
// counters, where commands are counted and INFO reads.
//
//   reactor::ServerStats stats;
//   server::RespFactory factory(options, &stats);
//   reactor::TcpServer tcp_server(loop, server_options, &factory, &stats);
class RespFactory : public reactor::ProtocolFactory {
 public:
  // Commands are counted in `loop_stats` (this loop's counters; null: the factory's own). INFO
  // reports `total()` when given (every loop of a ServerGroup), else `loop_stats`. Commands run
  // against `dataset` (shared by every loop's factory; null: the factory's own). All must
  // outlive the factory.
  RespFactory(const RespOptions& options, reactor::ServerStats* loop_stats,
              reactor::StatsSnapshot total = nullptr, Dataset* dataset = nullptr);

  std::unique_ptr<reactor::Protocol> NewSession() override;
  std::string_view RejectionMessage() const override;

  const RespOptions& options() const { return options_; }
  uint64_t commands_processed() const { return loop_stats_->requests_processed; }
  void CountCommand() { ++loop_stats_->requests_processed; }
  void CountProtocolError() { ++loop_stats_->protocol_errors; }

  Dataset& dataset() { return *dataset_; }

  // The INFO reply's text for `sections` (none: the default sections), as Redis formats it.
  std::string InfoText(absl::Span<const std::string_view> sections);
  // The same, from a command that already holds the dataset.
  std::string InfoText(absl::Span<const std::string_view> sections, Dataset::Access& dataset);

 private:
  const RespOptions options_;
  std::unique_ptr<Dataset> own_dataset_;
  Dataset* const dataset_;
  reactor::ServerStats own_stats_;
  reactor::ServerStats* const loop_stats_;
  const reactor::StatsSnapshot total_;
};

}  // namespace server

#endif  // SERVER_RESP_SESSION_H_
