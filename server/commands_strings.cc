// String commands: GET SET MGET MSET INCR INCRBY DECR DECRBY APPEND STRLEN.
#include <charconv>
#include <limits>
#include <string>

#include "protocol/ascii.h"
#include "protocol/resp_number.h"
#include "server/command.h"

namespace server {
namespace {

using keyspace::Type;
using keyspace::Value;
using protocol::EqualsIgnoreCase;

// Redis's proto-max-bulk-len default: APPEND may not grow a string past it.
constexpr size_t kMaxStringBytes = 512ULL * 1024 * 1024;

void Get(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kString, &value)) return;
  if (value == nullptr) {
    AppendNullBulk(c.out);
  } else {
    AppendBulk(c.out, value->string());
  }
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL], parsed as Redis 7.0's
// parseExtendedStringArgumentsOrReply does (a repeated EX is allowed, the last one counts).
void Set(CommandContext& c, Args argv) {
  enum Flag {
    kNx = 1,
    kXx = 2,
    kGet = 4,
    kKeepTtl = 8,
    kEx = 16,
    kPx = 32,
    kExAt = 64,
    kPxAt = 128
  };
  constexpr int kAnyExpire = kEx | kPx | kExAt | kPxAt;
  int flags = 0;
  std::string_view expire_arg;
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string_view option = argv[j];
    const bool has_next = j + 1 < argv.size();
    int expire_flag = 0;
    if (EqualsIgnoreCase(option, "nx") && !(flags & kXx)) {
      flags |= kNx;
    } else if (EqualsIgnoreCase(option, "xx") && !(flags & kNx)) {
      flags |= kXx;
    } else if (EqualsIgnoreCase(option, "get")) {
      flags |= kGet;
    } else if (EqualsIgnoreCase(option, "keepttl") && !(flags & kAnyExpire)) {
      flags |= kKeepTtl;
    } else if (EqualsIgnoreCase(option, "ex")) {
      expire_flag = kEx;
    } else if (EqualsIgnoreCase(option, "px")) {
      expire_flag = kPx;
    } else if (EqualsIgnoreCase(option, "exat")) {
      expire_flag = kExAt;
    } else if (EqualsIgnoreCase(option, "pxat")) {
      expire_flag = kPxAt;
    } else {
      AppendSyntaxError(c.out);
      return;
    }
    if (expire_flag != 0) {
      // The same unit may repeat; another unit, KEEPTTL or a missing value is a syntax error.
      if ((flags & kKeepTtl) || (flags & (kAnyExpire & ~expire_flag)) || !has_next) {
        AppendSyntaxError(c.out);
        return;
      }
      flags |= expire_flag;
      expire_arg = argv[++j];
    }
  }
  int64_t deadline = 0;
  if (flags & kAnyExpire) {
    std::optional<int64_t> amount = IntegerArg(c, expire_arg);
    if (!amount) return;
    const bool seconds = flags & (kEx | kExAt);
    if (*amount <= 0 || (seconds && *amount > std::numeric_limits<int64_t>::max() / 1000)) {
      AppendError(c.out, "ERR invalid expire time in 'set' command");
      return;
    }
    deadline = seconds ? *amount * 1000 : *amount;
    if (flags & (kEx | kPx)) {
      const int64_t now = c.keys.now_ms();
      if (deadline > std::numeric_limits<int64_t>::max() - now) {
        AppendError(c.out, "ERR invalid expire time in 'set' command");
        return;
      }
      deadline += now;
    }
  }
  Value* existing = c.keys.Find(argv[1]);
  if (flags & kGet) {
    if (existing != nullptr && existing->type() != Type::kString) {
      AppendWrongType(c.out);
      return;
    }
    if (existing == nullptr) {
      AppendNullBulk(c.out);
    } else {
      AppendBulk(c.out, existing->string());
    }
  }
  if (((flags & kNx) && existing != nullptr) || ((flags & kXx) && existing == nullptr)) {
    if (!(flags & kGet)) AppendNullBulk(c.out);
    return;
  }
  c.keys.SetString(argv[1], argv[2], /*keep_deadline=*/flags & kKeepTtl);
  if (flags & kAnyExpire) c.keys.SetDeadline(argv[1], deadline);
  if (!(flags & kGet)) AppendOk(c.out);
}

void MGet(CommandContext& c, Args argv) {
  AppendArrayHeader(c.out, argv.size() - 1);
  for (std::string_view key : argv.subspan(1)) {
    Value* value = c.keys.Find(key);
    if (value == nullptr || value->type() != Type::kString) {
      AppendNullBulk(c.out);
    } else {
      AppendBulk(c.out, value->string());
    }
  }
}

void MSet(CommandContext& c, Args argv) {
  if (argv.size() % 2 == 0) {
    AppendWrongArity(c.out, "mset");
    return;
  }
  for (size_t i = 1; i < argv.size(); i += 2) {
    c.keys.SetString(argv[i], argv[i + 1], /*keep_deadline=*/false);
  }
  AppendOk(c.out);
}

void IncrBy(CommandContext& c, std::string_view key, int64_t increment) {
  Value* value;
  if (!FindTyped(c, key, Type::kString, &value)) return;
  int64_t current = 0;
  if (value != nullptr) {
    std::optional<int64_t> parsed = protocol::ParseRespInteger(value->string());
    if (!parsed) {
      AppendNotInteger(c.out);
      return;
    }
    current = *parsed;
  }
  if ((increment < 0 && current < 0 && increment < std::numeric_limits<int64_t>::min() - current) ||
      (increment > 0 && current > 0 && increment > std::numeric_limits<int64_t>::max() - current)) {
    AppendError(c.out, "ERR increment or decrement would overflow");
    return;
  }
  const int64_t result = current + increment;
  char digits[24];
  const char* end = std::to_chars(digits, digits + sizeof(digits), result).ptr;
  const std::string_view text(digits, static_cast<size_t>(end - digits));
  if (value != nullptr) {
    value->string().assign(text.data(), text.size());  // keeps the key's deadline
  } else {
    c.keys.SetString(key, text, /*keep_deadline=*/false);
  }
  AppendInteger(c.out, result);
}

void Incr(CommandContext& c, Args argv) { IncrBy(c, argv[1], 1); }
void Decr(CommandContext& c, Args argv) { IncrBy(c, argv[1], -1); }

void IncrByCommand(CommandContext& c, Args argv) {
  std::optional<int64_t> increment = IntegerArg(c, argv[2]);
  if (increment) IncrBy(c, argv[1], *increment);
}

void DecrByCommand(CommandContext& c, Args argv) {
  std::optional<int64_t> decrement = IntegerArg(c, argv[2]);
  if (!decrement) return;
  if (*decrement == std::numeric_limits<int64_t>::min()) {
    AppendError(c.out, "ERR decrement would overflow");
    return;
  }
  IncrBy(c, argv[1], -*decrement);
}

void Append(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kString, &value)) return;
  if (value == nullptr) {
    c.keys.SetString(argv[1], argv[2], /*keep_deadline=*/false);
    AppendInteger(c.out, static_cast<int64_t>(argv[2].size()));
    return;
  }
  keyspace::CompactBytes& bytes = value->string();
  if (bytes.size() + argv[2].size() > kMaxStringBytes) {
    AppendError(c.out, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return;
  }
  bytes.append(argv[2].data(), argv[2].size());
  AppendInteger(c.out, static_cast<int64_t>(bytes.size()));
}

void StrLen(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kString, &value)) return;
  AppendInteger(c.out, value == nullptr ? 0 : static_cast<int64_t>(value->string().size()));
}

constexpr Command kCommands[] = {
    {"get", 2, false, Get},
    {"set", -3, true, Set},
    {"mget", -2, false, MGet},
    {"mset", -3, true, MSet},
    {"incr", 2, true, Incr},
    {"decr", 2, true, Decr},
    {"incrby", 3, true, IncrByCommand},
    {"decrby", 3, true, DecrByCommand},
    {"append", 3, true, Append},
    {"strlen", 2, false, StrLen},
};

}  // namespace

absl::Span<const Command> StringCommands() { return kCommands; }

}  // namespace server
