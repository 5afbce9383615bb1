// Command: one entry of the RESP command table (name, arity, what it runs), the context a
// command runs in, and the argument helpers every command family shares.
#ifndef SERVER_COMMAND_H_
#define SERVER_COMMAND_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/types/span.h"
#include "keyspace/keyspace.h"
#include "reactor/buffer.h"
#include "server/dataset.h"
#include "server/resp_reply.h"

namespace server {

class RespFactory;

using Args = absl::Span<const std::string_view>;

// What a command may touch while it runs; the dataset is held for the whole command.
struct CommandContext {
  keyspace::Keyspace& keys;
  reactor::Buffer& out;
  RespFactory& factory;
  // The held dataset (keys above is its keyspace), for INFO's counts.
  Dataset::Access& dataset;
  // Set by QUIT and SHUTDOWN: the connection closes once the reply is out.
  bool close_connection = false;
};

struct Command {
  // Lower case, as Redis names a command in its errors.
  std::string_view name;
  // Redis's convention: N exactly N arguments (name included), -N at least N.
  int arity;
  // Refused with an OOM error while used memory is over --maxmemory (Redis's "denyoom").
  bool denyoom;
  void (*run)(CommandContext& context, Args argv);
};

// The command families, one file each.
absl::Span<const Command> ServerCommands();
absl::Span<const Command> KeyCommands();
absl::Span<const Command> StringCommands();
absl::Span<const Command> ListCommands();
absl::Span<const Command> SetCommands();
absl::Span<const Command> HashCommands();
absl::Span<const Command> SortedSetCommands();

// `text` as a 64-bit integer (Redis's string2ll), or nullopt after replying Redis's error.
std::optional<int64_t> IntegerArg(CommandContext& context, std::string_view text);
// A count that must be >= 0 (LPOP, SPOP, ZPOPMIN), or nullopt after replying Redis's error.
std::optional<int64_t> PositiveCountArg(CommandContext& context, std::string_view text);
// Redis's rank range [start, end] over `length` elements (LRANGE, ZRANGE): negative ranks count
// from the end, the range is clipped to the elements; nullopt when it holds none.
std::optional<std::pair<int64_t, int64_t>> RankRange(int64_t start, int64_t end, int64_t length);
// C's strtod over `text` as if it were NUL-terminated: the value, how many bytes it read into
// *parsed, and whether it set ERANGE.
double Strtod(std::string_view text, size_t* parsed, bool* out_of_range);
// `text` as a double as Redis's string2d reads it (strtod, whole string, no NaN, no leading
// space), or nullopt.
std::optional<double> ParseDouble(std::string_view text);

// The value of `key` if it has `type`, else null; false (after replying WRONGTYPE) if the key
// holds another type.
bool FindTyped(CommandContext& context, std::string_view key, keyspace::Type type,
               keyspace::Value** value);
// As FindTyped, creating an empty value of `type` when the key is missing.
bool FindOrCreateTyped(CommandContext& context, std::string_view key, keyspace::Type type,
                       keyspace::Value** value);

}  // namespace server

#endif  // SERVER_COMMAND_H_
