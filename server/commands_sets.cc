// Set commands: SADD SREM SPOP SCARD SISMEMBER SMEMBERS.
#include <algorithm>
#include <string>
#include <vector>

#include "server/command.h"
#include "server/resp_session.h"

namespace server {
namespace {

using keyspace::Set;
using keyspace::Type;
using keyspace::Value;

void SAdd(CommandContext& c, Args argv) {
  Value* value;
  if (!FindOrCreateTyped(c, argv[1], Type::kSet, &value)) return;
  int64_t added = 0;
  for (std::string_view member : argv.subspan(2)) added += value->set().emplace(member).second;
  AppendInteger(c.out, added);
}

void SRem(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSet, &value)) return;
  int64_t removed = 0;
  if (value != nullptr) {
    for (std::string_view member : argv.subspan(2)) removed += value->set().erase(member);
    c.keys.EraseIfEmpty(argv[1]);
  }
  AppendInteger(c.out, removed);
}

// Removes and returns a member. Which one is unspecified, as in Redis; the hash table's first
// keeps it O(1) amortised (a shrinking set is rehashed so the scan stays short). `smallest`: the
// least one instead (RespOptions::sorted_replies), O(n).
std::string PopMember(Set& set, bool smallest) {
  auto it = smallest ? std::min_element(set.begin(), set.end()) : set.begin();
  std::string member = std::move(set.extract(it).value());
  if (set.size() * 8 < set.bucket_count() && set.bucket_count() > 64) set.rehash(0);
  return member;
}

void SPop(CommandContext& c, Args argv) {
  if (argv.size() > 3) {
    AppendSyntaxError(c.out);
    return;
  }
  if (argv.size() == 3) {
    std::optional<int64_t> count = PositiveCountArg(c, argv[2]);
    if (!count) return;
    Value* value;
    if (!FindTyped(c, argv[1], Type::kSet, &value)) return;
    if (value == nullptr || *count == 0) {
      AppendArrayHeader(c.out, 0);
      return;
    }
    Set& set = value->set();
    const size_t n = static_cast<size_t>(*count) < set.size() ? *count : set.size();
    AppendArrayHeader(c.out, n);
    for (size_t i = 0; i < n; ++i)
      AppendBulk(c.out, PopMember(set, c.factory.options().sorted_replies));
    c.keys.EraseIfEmpty(argv[1]);
    return;
  }
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSet, &value)) return;
  if (value == nullptr) {
    AppendNullBulk(c.out);
    return;
  }
  AppendBulk(c.out, PopMember(value->set(), c.factory.options().sorted_replies));
  c.keys.EraseIfEmpty(argv[1]);
}

void SCard(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSet, &value)) return;
  AppendInteger(c.out, value == nullptr ? 0 : static_cast<int64_t>(value->set().size()));
}

void SIsMember(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSet, &value)) return;
  AppendInteger(c.out, value != nullptr && value->set().contains(argv[2]) ? 1 : 0);
}

void SMembers(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kSet, &value)) return;
  if (value == nullptr) {
    AppendArrayHeader(c.out, 0);
    return;
  }
  AppendArrayHeader(c.out, value->set().size());
  if (c.factory.options().sorted_replies) {
    std::vector<std::string_view> members(value->set().begin(), value->set().end());
    std::sort(members.begin(), members.end());
    for (std::string_view member : members) AppendBulk(c.out, member);
    return;
  }
  for (const std::string& member : value->set()) AppendBulk(c.out, member);
}

constexpr Command kCommands[] = {
    {"sadd", -3, true, SAdd},           {"srem", -3, false, SRem},
    {"spop", -2, false, SPop},          {"scard", 2, false, SCard},
    {"sismember", 3, false, SIsMember}, {"smembers", 2, false, SMembers},
};

}  // namespace

absl::Span<const Command> SetCommands() { return kCommands; }

}  // namespace server
