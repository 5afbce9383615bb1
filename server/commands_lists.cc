// List commands: LPUSH RPUSH LPOP RPOP LRANGE LLEN.
#include <string>

#include "server/command.h"

namespace server {
namespace {

using keyspace::List;
using keyspace::Type;
using keyspace::Value;

void Push(CommandContext& c, Args argv, bool front) {
  Value* value;
  if (!FindOrCreateTyped(c, argv[1], Type::kList, &value)) return;
  List& list = value->list();
  for (std::string_view element : argv.subspan(2)) {
    if (front) {
      list.emplace_front(element);
    } else {
      list.emplace_back(element);
    }
  }
  AppendInteger(c.out, static_cast<int64_t>(list.size()));
}

void LPush(CommandContext& c, Args argv) { Push(c, argv, true); }
void RPush(CommandContext& c, Args argv) { Push(c, argv, false); }

void Pop(CommandContext& c, Args argv, bool front) {
  if (argv.size() > 3) {
    AppendWrongArity(c.out, front ? "lpop" : "rpop");
    return;
  }
  const bool has_count = argv.size() == 3;
  int64_t count = 0;
  if (has_count) {
    std::optional<int64_t> parsed = PositiveCountArg(c, argv[2]);
    if (!parsed) return;
    count = *parsed;
  }
  Value* value;
  if (!FindTyped(c, argv[1], Type::kList, &value)) return;
  if (value == nullptr) {
    if (has_count) {
      AppendNullArray(c.out);
    } else {
      AppendNullBulk(c.out);
    }
    return;
  }
  List& list = value->list();
  auto pop_one = [&] {
    if (front) {
      AppendBulk(c.out, list.front());
      list.pop_front();
    } else {
      AppendBulk(c.out, list.back());
      list.pop_back();
    }
  };
  if (!has_count) {
    pop_one();
  } else {
    const size_t n = static_cast<size_t>(count) < list.size() ? count : list.size();
    AppendArrayHeader(c.out, n);
    for (size_t i = 0; i < n; ++i) pop_one();
  }
  c.keys.EraseIfEmpty(argv[1]);
}

void LPop(CommandContext& c, Args argv) { Pop(c, argv, true); }
void RPop(CommandContext& c, Args argv) { Pop(c, argv, false); }

void LRange(CommandContext& c, Args argv) {
  std::optional<int64_t> start = IntegerArg(c, argv[2]);
  if (!start) return;
  std::optional<int64_t> end = IntegerArg(c, argv[3]);
  if (!end) return;
  Value* value;
  if (!FindTyped(c, argv[1], Type::kList, &value)) return;
  if (value == nullptr) {
    AppendArrayHeader(c.out, 0);
    return;
  }
  const List& list = value->list();
  const std::optional<std::pair<int64_t, int64_t>> range =
      RankRange(*start, *end, static_cast<int64_t>(list.size()));
  if (!range) {
    AppendArrayHeader(c.out, 0);
    return;
  }
  AppendArrayHeader(c.out, static_cast<size_t>(range->second - range->first + 1));
  for (auto it = list.begin() + range->first, last = list.begin() + range->second + 1; it != last;
       ++it) {
    AppendBulk(c.out, *it);
  }
}

void LLen(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kList, &value)) return;
  AppendInteger(c.out, value == nullptr ? 0 : static_cast<int64_t>(value->list().size()));
}

constexpr Command kCommands[] = {
    {"lpush", -3, true, LPush}, {"rpush", -3, true, RPush},   {"lpop", -2, false, LPop},
    {"rpop", -2, false, RPop},  {"lrange", 4, false, LRange}, {"llen", 2, false, LLen},
};

}  // namespace

absl::Span<const Command> ListCommands() { return kCommands; }

}  // namespace server
