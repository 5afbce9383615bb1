// Sorted-set commands: ZADD ZREM ZSCORE ZCARD ZRANGE (by rank) ZPOPMIN ZPOPMAX.
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include "protocol/ascii.h"
#include "server/command.h"

namespace server {
namespace {

using keyspace::SortedSet;
using keyspace::Type;
using keyspace::Value;
using protocol::EqualsIgnoreCase;

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...], with Redis 7.0's checks
// in its order: options, pair count, conflicts, every score, then the key.
void ZAdd(CommandContext& c, Args argv) {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
  size_t score_index = 2;
  for (; score_index < argv.size(); ++score_index) {
    const std::string_view option = argv[score_index];
    if (EqualsIgnoreCase(option, "nx")) {
      nx = true;
    } else if (EqualsIgnoreCase(option, "xx")) {
      xx = true;
    } else if (EqualsIgnoreCase(option, "ch")) {
      ch = true;
    } else if (EqualsIgnoreCase(option, "incr")) {
      incr = true;
    } else if (EqualsIgnoreCase(option, "gt")) {
      gt = true;
    } else if (EqualsIgnoreCase(option, "lt")) {
      lt = true;
    } else {
      break;
    }
  }
  const size_t elements = argv.size() - score_index;
  if (elements % 2 != 0 || elements == 0) {
    AppendSyntaxError(c.out);
    return;
  }
  const size_t pairs = elements / 2;
  if (nx && xx) {
    AppendError(c.out, "ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    AppendError(c.out, "ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (incr && pairs > 1) {
    AppendError(c.out, "ERR INCR option supports a single increment-element pair");
    return;
  }
  std::vector<double> scores(pairs);
  for (size_t j = 0; j < pairs; ++j) {
    std::optional<double> score = ParseDouble(argv[score_index + 2 * j]);
    if (!score) {
      AppendError(c.out, "ERR value is not a valid float");
      return;
    }
    scores[j] = *score;
  }
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSortedSet, &value)) return;
  int64_t added = 0, updated = 0, processed = 0;
  double last_score = 0;
  if (value == nullptr && !xx) value = c.keys.FindOrCreate(argv[1], Type::kSortedSet).first;
  if (value != nullptr) {
    SortedSet& set = value->sorted_set();
    for (size_t j = 0; j < pairs; ++j) {
      const std::string_view member = argv[score_index + 2 * j + 1];
      double score = scores[j];
      std::optional<double> current = set.Score(member);
      if (current) {
        if (nx) continue;
        if (incr) {
          score += *current;
          if (std::isnan(score)) {
            AppendError(c.out, "ERR resulting score is not a number (NaN)");
            c.keys.EraseIfEmpty(argv[1]);
            return;
          }
        }
        if ((lt && score >= *current) || (gt && score <= *current)) continue;
        if (score != *current) {
          set.Set(member, score);
          ++updated;
        }
      } else {
        if (xx) continue;
        set.Set(member, score);
        ++added;
      }
      ++processed;
      last_score = score;
    }
    c.keys.EraseIfEmpty(argv[1]);
  }
  if (incr) {
    if (processed > 0) {
      AppendDouble(c.out, last_score);
    } else {
      AppendNullBulk(c.out);
    }
  } else {
    AppendInteger(c.out, ch ? added + updated : added);
  }
}

void ZRem(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSortedSet, &value)) return;
  int64_t removed = 0;
  if (value != nullptr) {
    for (std::string_view member : argv.subspan(2)) removed += value->sorted_set().Erase(member);
    c.keys.EraseIfEmpty(argv[1]);
  }
  AppendInteger(c.out, removed);
}

void ZScore(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSortedSet, &value)) return;
  std::optional<double> score;
  if (value != nullptr) score = value->sorted_set().Score(argv[2]);
  if (score) {
    AppendDouble(c.out, *score);
  } else {
    AppendNullBulk(c.out);
  }
}

void ZCard(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSortedSet, &value)) return;
  AppendInteger(c.out, value == nullptr ? 0 : static_cast<int64_t>(value->sorted_set().size()));
}

// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES], options
// checked as Redis 7.0 does; ranges by rank are served (BYSCORE/BYLEX are refused by name).
void ZRange(CommandContext& c, Args argv) {
  bool withscores = false, reverse = false, by_score = false, by_lex = false;
  bool has_limit = false;
  for (size_t j = 4; j < argv.size(); ++j) {
    const size_t left = argv.size() - j - 1;
    if (EqualsIgnoreCase(argv[j], "withscores")) {
      withscores = true;
    } else if (EqualsIgnoreCase(argv[j], "limit") && left >= 2) {
      std::optional<int64_t> offset = IntegerArg(c, argv[j + 1]);
      if (!offset) return;
      std::optional<int64_t> limit = IntegerArg(c, argv[j + 2]);
      if (!limit) return;
      has_limit = *limit != -1;
      j += 2;
    } else if (!reverse && EqualsIgnoreCase(argv[j], "rev")) {
      reverse = true;
    } else if (!by_score && !by_lex && EqualsIgnoreCase(argv[j], "bylex")) {
      by_lex = true;
    } else if (!by_score && !by_lex && EqualsIgnoreCase(argv[j], "byscore")) {
      by_score = true;
    } else {
      AppendSyntaxError(c.out);
      return;
    }
  }
  if (has_limit && !by_score && !by_lex) {
    AppendError(c.out,
                "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
                "BYLEX");
    return;
  }
  if (withscores && by_lex) {
    AppendError(c.out, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  if (by_score || by_lex) {
    AppendError(c.out, "ERR ZRANGE BYSCORE and BYLEX are not supported by this server");
    return;
  }
  std::optional<int64_t> start = IntegerArg(c, argv[2]);
  if (!start) return;
  std::optional<int64_t> end = IntegerArg(c, argv[3]);
  if (!end) return;
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSortedSet, &value)) return;
  if (value == nullptr) {
    AppendArrayHeader(c.out, 0);
    return;
  }
  const SortedSet::Order& order = value->sorted_set().order();
  const std::optional<std::pair<int64_t, int64_t>> range =
      RankRange(*start, *end, static_cast<int64_t>(order.size()));
  if (!range) {
    AppendArrayHeader(c.out, 0);
    return;
  }
  const int64_t first = range->first;
  const int64_t count = range->second - range->first + 1;
  AppendArrayHeader(c.out, static_cast<size_t>(withscores ? 2 * count : count));
  auto emit = [&](const std::pair<double, std::string>& entry) {
    AppendBulk(c.out, entry.second);
    if (withscores) AppendDouble(c.out, entry.first);
  };
  // The btree has no rank index: walk from the nearer end.
  if (!reverse) {
    auto it = order.begin();
    std::advance(it, first);
    for (int64_t i = 0; i < count; ++i, ++it) emit(*it);
  } else {
    auto it = order.rbegin();
    std::advance(it, first);
    for (int64_t i = 0; i < count; ++i, ++it) emit(*it);
  }
}

void ZPop(CommandContext& c, Args argv, bool min) {
  if (argv.size() > 3) {
    AppendSyntaxError(c.out);
    return;
  }
  int64_t count = 1;
  if (argv.size() == 3) {
    std::optional<int64_t> parsed = PositiveCountArg(c, argv[2]);
    if (!parsed) return;
    count = *parsed;
  }
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSortedSet, &value)) return;
  if (value == nullptr || count == 0) {
    AppendArrayHeader(c.out, 0);
    return;
  }
  SortedSet& set = value->sorted_set();
  const size_t n = static_cast<size_t>(count) < set.size() ? count : set.size();
  AppendArrayHeader(c.out, 2 * n);
  for (size_t i = 0; i < n; ++i) {
    auto [score, member] = min ? set.PopMin() : set.PopMax();
    AppendBulk(c.out, member);
    AppendDouble(c.out, score);
  }
  c.keys.EraseIfEmpty(argv[1]);
}

void ZPopMin(CommandContext& c, Args argv) { ZPop(c, argv, true); }
void ZPopMax(CommandContext& c, Args argv) { ZPop(c, argv, false); }

constexpr Command kCommands[] = {
    {"zadd", -4, true, ZAdd},        {"zrem", -3, false, ZRem},     {"zscore", 3, false, ZScore},
    {"zcard", 2, false, ZCard},      {"zrange", -4, false, ZRange}, {"zpopmin", -2, false, ZPopMin},
    {"zpopmax", -2, false, ZPopMax},
};

}  // namespace

absl::Span<const Command> SortedSetCommands() { return kCommands; }

}  // namespace server
