// Commands on keys of any type: DEL EXISTS TYPE KEYS EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL
// PTTL PERSIST.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "keyspace/glob.h"
#include "protocol/ascii.h"
#include "server/command.h"
#include "server/resp_session.h"

namespace server {
namespace {

using protocol::EqualsIgnoreCase;

void Del(CommandContext& c, Args argv) {
  int64_t deleted = 0;
  for (std::string_view key : argv.subspan(1)) deleted += c.keys.Erase(key) ? 1 : 0;
  AppendInteger(c.out, deleted);
}

void Exists(CommandContext& c, Args argv) {
  int64_t found = 0;
  for (std::string_view key : argv.subspan(1)) found += c.keys.Find(key) != nullptr ? 1 : 0;
  AppendInteger(c.out, found);
}

void Type(CommandContext& c, Args argv) {
  keyspace::Value* value = c.keys.Find(argv[1]);
  AppendSimple(c.out, value == nullptr ? "none" : keyspace::TypeName(value->type()));
}

void Keys(CommandContext& c, Args argv) {
  std::vector<std::string_view> keys;
  const bool all = argv[1] == "*";
  c.keys.ForEachLiveKey([&](std::string_view key) {
    if (all || keyspace::GlobMatch(argv[1], key, /*nocase=*/false)) keys.push_back(key);
  });
  if (c.factory.options().sorted_replies) std::sort(keys.begin(), keys.end());
  AppendArrayHeader(c.out, keys.size());
  for (std::string_view key : keys) AppendBulk(c.out, key);
}

enum ExpireCondition { kAlways = 0, kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// EXPIRE and friends: `basetime` 0 for the absolute forms, `unit_ms` 1000 for seconds.
void ExpireGeneric(CommandContext& c, Args argv, std::string_view name, bool relative,
                   int64_t unit_ms) {
  int condition = kAlways;
  for (std::string_view option : argv.subspan(3)) {
    if (EqualsIgnoreCase(option, "nx")) {
      condition |= kNx;
    } else if (EqualsIgnoreCase(option, "xx")) {
      condition |= kXx;
    } else if (EqualsIgnoreCase(option, "gt")) {
      condition |= kGt;
    } else if (EqualsIgnoreCase(option, "lt")) {
      condition |= kLt;
    } else {
      AppendError(c.out, "ERR Unsupported option " + std::string(option));
      return;
    }
  }
  if ((condition & kNx) && (condition & (kXx | kGt | kLt))) {
    AppendError(c.out, "ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if ((condition & kGt) && (condition & kLt)) {
    AppendError(c.out, "ERR GT and LT options at the same time are not compatible");
    return;
  }
  std::optional<int64_t> when = IntegerArg(c, argv[2]);
  if (!when) return;
  const std::string error = "ERR invalid expire time in '" + std::string(name) + "' command";
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (unit_ms == 1000) {
    if (*when > kMax / 1000 || *when < kMin / 1000) {
      AppendError(c.out, error);
      return;
    }
    *when *= 1000;
  }
  const int64_t now = c.keys.now_ms();
  const int64_t base = relative ? now : 0;
  if (*when > kMax - base) {
    AppendError(c.out, error);
    return;
  }
  *when += base;
  if (c.keys.Find(argv[1]) == nullptr) {
    AppendInteger(c.out, 0);
    return;
  }
  if (condition != kAlways) {
    const int64_t current = c.keys.DeadlineOf(argv[1]);
    if (((condition & kNx) && current != -1) || ((condition & kXx) && current == -1) ||
        ((condition & kGt) && (*when <= current || current == -1)) ||
        ((condition & kLt) && current != -1 && *when >= current)) {
      AppendInteger(c.out, 0);
      return;
    }
  }
  if (*when <= now) {
    c.keys.Erase(argv[1]);
  } else {
    c.keys.SetDeadline(argv[1], *when);
  }
  AppendInteger(c.out, 1);
}

void Expire(CommandContext& c, Args argv) { ExpireGeneric(c, argv, "expire", true, 1000); }
void PExpire(CommandContext& c, Args argv) { ExpireGeneric(c, argv, "pexpire", true, 1); }
void ExpireAt(CommandContext& c, Args argv) { ExpireGeneric(c, argv, "expireat", false, 1000); }
void PExpireAt(CommandContext& c, Args argv) { ExpireGeneric(c, argv, "pexpireat", false, 1); }

void TtlGeneric(CommandContext& c, Args argv, bool milliseconds) {
  if (c.keys.Find(argv[1]) == nullptr) {
    AppendInteger(c.out, -2);
    return;
  }
  const int64_t deadline = c.keys.DeadlineOf(argv[1]);
  if (deadline == -1) {
    AppendInteger(c.out, -1);
    return;
  }
  int64_t ttl = deadline - c.keys.now_ms();
  if (ttl < 0) ttl = 0;
  AppendInteger(c.out, milliseconds ? ttl : (ttl + 500) / 1000);
}

void Ttl(CommandContext& c, Args argv) { TtlGeneric(c, argv, false); }
void PTtl(CommandContext& c, Args argv) { TtlGeneric(c, argv, true); }

void Persist(CommandContext& c, Args argv) {
  if (c.keys.Find(argv[1]) == nullptr) {
    AppendInteger(c.out, 0);
    return;
  }
  AppendInteger(c.out, c.keys.ClearDeadline(argv[1]) ? 1 : 0);
}

constexpr Command kCommands[] = {
    {"del", -2, false, Del},
    {"exists", -2, false, Exists},
    {"type", 2, false, Type},
    {"keys", 2, false, Keys},
    {"expire", -3, false, Expire},
    {"pexpire", -3, false, PExpire},
    {"expireat", -3, false, ExpireAt},
    {"pexpireat", -3, false, PExpireAt},
    {"ttl", 2, false, Ttl},
    {"pttl", 2, false, PTtl},
    {"persist", 2, false, Persist},
};

}  // namespace

absl::Span<const Command> KeyCommands() { return kCommands; }

}  // namespace server
