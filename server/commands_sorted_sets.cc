// Sorted-set commands: ZADD ZREM ZSCORE ZCARD ZCOUNT ZLEXCOUNT, ZRANGE (by rank, score or
// member, either way) with its older forms ZREVRANGE Z[REV]RANGEBYSCORE Z[REV]RANGEBYLEX, and
// ZPOPMIN ZPOPMAX.
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include "keyspace/sorted_set_range.h"
#include "protocol/ascii.h"
#include "server/command.h"

namespace server {
namespace {

using keyspace::LexBound;
using keyspace::LexRange;
using keyspace::ScoreRange;
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

// A score bound as Redis's zslParseRange reads it: "(" makes it exclusive, and the rest goes to
// strtod whole (so leading spaces, hex and an empty rest are accepted, NaN is not).
bool ParseScoreBound(std::string_view text, double* value, bool* exclusive) {
  *exclusive = !text.empty() && text[0] == '(';
  const std::string_view number = text.substr(*exclusive ? 1 : 0);
  size_t parsed;
  bool out_of_range;  // allowed: 1e400 is +inf here
  *value = Strtod(number, &parsed, &out_of_range);
  // Redis checks that strtod stopped at its copy's NUL: the end, or a NUL byte inside.
  const bool whole = parsed == number.size() || number[parsed] == '\0';
  return whole && !std::isnan(*value);
}

// A member bound as Redis's zslParseLexRangeItem reads it: "[m" inclusive, "(m" exclusive, "-"
// and "+" below and above every member.
bool ParseLexBound(std::string_view text, LexBound* bound) {
  if (text.empty()) return false;
  // Redis reads its NUL-terminated copy: "+" or "-" followed by a NUL byte is "+" or "-".
  const bool alone = text.size() == 1 || text[1] == '\0';
  bound->member.clear();
  switch (text[0]) {
    case '-':
      bound->kind = LexBound::Kind::kBelowAll;
      bound->exclusive = true;
      return alone;
    case '+':
      bound->kind = LexBound::Kind::kAboveAll;
      bound->exclusive = true;
      return alone;
    case '(':
    case '[':
      bound->kind = LexBound::Kind::kMember;
      bound->exclusive = text[0] == '(';
      bound->member.assign(text.substr(1));
      return true;
    default:
      return false;
  }
}

// Parses a range from its two bounds, or replies with Redis's error for the kind and returns
// false.
bool ParseRange(CommandContext& c, std::string_view min, std::string_view max, ScoreRange* range) {
  if (ParseScoreBound(min, &range->min, &range->min_exclusive) &&
      ParseScoreBound(max, &range->max, &range->max_exclusive)) {
    return true;
  }
  AppendError(c.out, "ERR min or max is not a float");
  return false;
}

bool ParseRange(CommandContext& c, std::string_view min, std::string_view max, LexRange* range) {
  if (ParseLexBound(min, &range->min) && ParseLexBound(max, &range->max)) return true;
  AppendError(c.out, "ERR min or max not valid string range item");
  return false;
}

enum class RangeBy { kChosenByOptions, kRank, kScore, kLex };
enum class Direction { kChosenByOptions, kForward, kReverse };

void AppendEntry(CommandContext& c, const keyspace::SortedSetEntry& entry, bool withscores) {
  AppendBulk(c.out, entry.second);
  if (withscores) AppendDouble(c.out, entry.first);
}

// Replies with the entries of `range` (counted first: the array header comes before them).
template <typename Range>
void AppendRange(CommandContext& c, const SortedSet::Order& order, const Range& range, bool reverse,
                 int64_t offset, int64_t limit, bool withscores) {
  const size_t count = keyspace::VisitRange(order, range, reverse, offset, limit,
                                            [](const keyspace::SortedSetEntry&) {});
  AppendArrayHeader(c.out, withscores ? 2 * count : count);
  keyspace::VisitRange(order, range, reverse, offset, limit,
                       [&](const keyspace::SortedSetEntry& e) { AppendEntry(c, e, withscores); });
}

void AppendRankRange(CommandContext& c, const SortedSet::Order& order, int64_t start, int64_t end,
                     bool reverse, bool withscores) {
  const std::optional<std::pair<int64_t, int64_t>> range =
      RankRange(start, end, static_cast<int64_t>(order.size()));
  if (!range) {
    AppendArrayHeader(c.out, 0);
    return;
  }
  const int64_t first = range->first;
  const int64_t count = range->second - range->first + 1;
  AppendArrayHeader(c.out, static_cast<size_t>(withscores ? 2 * count : count));
  // The btree has no rank index: walk from the nearer end.
  if (!reverse) {
    auto it = order.begin();
    std::advance(it, first);
    for (int64_t i = 0; i < count; ++i, ++it) AppendEntry(c, *it, withscores);
  } else {
    auto it = order.rbegin();
    std::advance(it, first);
    for (int64_t i = 0; i < count; ++i, ++it) AppendEntry(c, *it, withscores);
  }
}

// ZRANGE key min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES] and the commands
// that fix its kind or direction (ZRANGEBYSCORE, ZREVRANGE, ...), checked in Redis 7.0's
// order: options, their conflicts, the range, then the key. Reversed score and member ranges
// are given max first.
void ZRangeGeneric(CommandContext& c, Args argv, RangeBy by, Direction direction) {
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = 4; j < argv.size(); ++j) {
    const size_t left = argv.size() - j - 1;
    if (EqualsIgnoreCase(argv[j], "withscores")) {
      withscores = true;
    } else if (EqualsIgnoreCase(argv[j], "limit") && left >= 2) {
      std::optional<int64_t> parsed_offset = IntegerArg(c, argv[j + 1]);
      if (!parsed_offset) return;
      std::optional<int64_t> parsed_limit = IntegerArg(c, argv[j + 2]);
      if (!parsed_limit) return;
      offset = *parsed_offset;
      limit = *parsed_limit;
      j += 2;
    } else if (direction == Direction::kChosenByOptions && EqualsIgnoreCase(argv[j], "rev")) {
      direction = Direction::kReverse;
    } else if (by == RangeBy::kChosenByOptions && EqualsIgnoreCase(argv[j], "bylex")) {
      by = RangeBy::kLex;
    } else if (by == RangeBy::kChosenByOptions && EqualsIgnoreCase(argv[j], "byscore")) {
      by = RangeBy::kScore;
    } else {
      AppendSyntaxError(c.out);
      return;
    }
  }
  if (by == RangeBy::kChosenByOptions) by = RangeBy::kRank;
  const bool reverse = direction == Direction::kReverse;
  if (limit != -1 && by == RangeBy::kRank) {
    AppendError(c.out,
                "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
                "BYLEX");
    return;
  }
  if (withscores && by == RangeBy::kLex) {
    AppendError(c.out, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  const std::string_view low = reverse && by != RangeBy::kRank ? argv[3] : argv[2];
  const std::string_view high = reverse && by != RangeBy::kRank ? argv[2] : argv[3];
  int64_t start = 0, end = 0;
  ScoreRange scores;
  LexRange members;
  switch (by) {
    case RangeBy::kChosenByOptions:
    case RangeBy::kRank: {
      std::optional<int64_t> parsed_start = IntegerArg(c, low);
      if (!parsed_start) return;
      std::optional<int64_t> parsed_end = IntegerArg(c, high);
      if (!parsed_end) return;
      start = *parsed_start;
      end = *parsed_end;
      break;
    }
    case RangeBy::kScore:
      if (!ParseRange(c, low, high, &scores)) return;
      break;
    case RangeBy::kLex:
      if (!ParseRange(c, low, high, &members)) return;
      break;
  }
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSortedSet, &value)) return;
  if (value == nullptr) {
    AppendArrayHeader(c.out, 0);
    return;
  }
  const SortedSet::Order& order = value->sorted_set().order();
  switch (by) {
    case RangeBy::kChosenByOptions:
    case RangeBy::kRank:
      AppendRankRange(c, order, start, end, reverse, withscores);
      break;
    case RangeBy::kScore:
      AppendRange(c, order, scores, reverse, offset, limit, withscores);
      break;
    case RangeBy::kLex:
      AppendRange(c, order, members, reverse, offset, limit, /*withscores=*/false);
      break;
  }
}

// ZRANGE, or one of its older forms, which fix the kind of range or the direction.
template <RangeBy by, Direction direction>
void ZRangeAs(CommandContext& c, Args argv) {
  ZRangeGeneric(c, argv, by, direction);
}

// ZCOUNT key min max / ZLEXCOUNT key min max: the range first, then the key (missing: 0).
template <typename Range>
void CountRange(CommandContext& c, Args argv) {
  Range range;
  if (!ParseRange(c, argv[2], argv[3], &range)) return;
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSortedSet, &value)) return;
  size_t count = 0;
  if (value != nullptr) {
    count = keyspace::VisitRange(value->sorted_set().order(), range, /*reverse=*/false, 0, -1,
                                 [](const keyspace::SortedSetEntry&) {});
  }
  AppendInteger(c.out, static_cast<int64_t>(count));
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
    {"zadd", -4, true, ZAdd},
    {"zrem", -3, false, ZRem},
    {"zscore", 3, false, ZScore},
    {"zcard", 2, false, ZCard},
    {"zcount", 4, false, CountRange<ScoreRange>},
    {"zlexcount", 4, false, CountRange<LexRange>},
    {"zrange", -4, false, ZRangeAs<RangeBy::kChosenByOptions, Direction::kChosenByOptions>},
    {"zrevrange", -4, false, ZRangeAs<RangeBy::kRank, Direction::kReverse>},
    {"zrangebyscore", -4, false, ZRangeAs<RangeBy::kScore, Direction::kForward>},
    {"zrevrangebyscore", -4, false, ZRangeAs<RangeBy::kScore, Direction::kReverse>},
    {"zrangebylex", -4, false, ZRangeAs<RangeBy::kLex, Direction::kForward>},
    {"zrevrangebylex", -4, false, ZRangeAs<RangeBy::kLex, Direction::kReverse>},
    {"zpopmin", -2, false, ZPopMin},
    {"zpopmax", -2, false, ZPopMax},
};

}  // namespace

absl::Span<const Command> SortedSetCommands() { return kCommands; }

}  // namespace server
