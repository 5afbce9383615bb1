// Fuzz target for RespSession, fed what a network connection could carry: the same replies
// whole as split (see session_check.h), output within the budget, every call's output made of
// well-formed RESP replies, and a protocol error reply last in its call and closing the
// connection, so nothing behind a bad request is ever parsed or answered.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/session_check.h"
#include "protocol/resp_reply_parser.h"
#include "reactor/server_stats.h"
#include "server/resp_session.h"

namespace {

using protocol::ParseStatus;
using protocol::RespType;

// Returns what is wrong with one call's output, or "".
std::string CheckCall(std::string_view out, const reactor::ProtocolResult& result) {
  protocol::RespReplyParser parser;
  size_t offset = 0;
  while (offset < out.size()) {
    const protocol::RespReplyParser::Result reply = parser.Parse(out.substr(offset));
    if (reply.status != ParseStatus::kComplete) {
      return "output is not a sequence of whole RESP replies at byte " + std::to_string(offset);
    }
    offset += reply.consumed;
    if (reply.type == RespType::kError && reply.payload.starts_with("ERR Protocol error")) {
      if (offset != out.size()) return "a reply follows a protocol error reply";
      if (!result.close_after_output) return "a protocol error reply left the connection open";
    }
  }
  return "";
}

// Every delivery must see the same time and memory figures, or PTTL and INFO would differ.
int64_t FixedClock() { return 1700000000000; }
uint64_t FixedUsedMemory() { return 1 << 20; }

struct Fixture {
  explicit Fixture(const server::RespOptions& options)
      : dataset(/*shared=*/false, &FixedClock), factory(options, &stats, nullptr, &dataset) {}
  reactor::ServerStats stats;
  server::Dataset dataset;
  server::RespFactory factory;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // First byte: the split seed. Second: the options (bit 0: a tiny bulk limit).
  const uint64_t seed = data[0];
  server::RespOptions options;
  if (data[1] & 1) options.max_bulk_bytes = 8;
  options.used_memory = &FixedUsedMemory;
  options.sorted_replies = true;  // hash-table order differs between two deliveries' tables
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);

  // The largest reply a command can give: an argument echoed back, INFO, an error quoting up to
  // 256 bytes of arguments, or the keyspace's contents, which a reply may amplify: ZRANGE
  // WITHSCORES spells a 1-byte score in up to 24 digits behind headers, MGET answers a 2-byte
  // key with a 5-byte nil.
  Fixture sizing(options);
  const size_t max_reply =
      std::max({32 * stream.size(), sizing.factory.InfoText({}).size(), size_t{1024}}) + 64;

  // Each delivery gets its own factory: INFO's counters must start equal.
  std::vector<std::unique_ptr<Fixture>> fixtures;
  fuzz::CheckSessionDeliveries(
      seed, stream, max_reply,
      [&] {
        fixtures.push_back(std::make_unique<Fixture>(options));
        return fixtures.back()->factory.NewSession();
      },
      CheckCall);
  return 0;
}
