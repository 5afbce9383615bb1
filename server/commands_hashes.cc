// Hash commands: HSET HMSET HGET HGETALL HDEL HLEN.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "server/command.h"
#include "server/resp_session.h"

namespace server {
namespace {

using keyspace::Hash;
using keyspace::Type;
using keyspace::Value;

// HSET and HMSET: the same work, different replies (new fields, or OK).
void SetFields(CommandContext& c, Args argv, std::string_view name, bool reply_ok) {
  if (argv.size() % 2 == 1) {
    AppendWrongArity(c.out, name);
    return;
  }
  Value* value;
  if (!FindOrCreateTyped(c, argv[1], Type::kHash, &value)) return;
  Hash& hash = value->hash();
  int64_t created = 0;
  for (size_t i = 2; i < argv.size(); i += 2) {
    auto [it, added] = hash.try_emplace(argv[i]);
    it->second.assign(argv[i + 1].data(), argv[i + 1].size());
    created += added;
  }
  if (reply_ok) {
    AppendOk(c.out);
  } else {
    AppendInteger(c.out, created);
  }
}

void HSet(CommandContext& c, Args argv) { SetFields(c, argv, "hset", false); }
void HMSet(CommandContext& c, Args argv) { SetFields(c, argv, "hmset", true); }

void HGet(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kHash, &value)) return;
  if (value != nullptr) {
    auto it = value->hash().find(argv[2]);
    if (it != value->hash().end()) {
      AppendBulk(c.out, it->second);
      return;
    }
  }
  AppendNullBulk(c.out);
}

void HGetAll(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kHash, &value)) return;
  if (value == nullptr) {
    AppendArrayHeader(c.out, 0);
    return;
  }
  AppendArrayHeader(c.out, value->hash().size() * 2);
  if (c.factory.options().sorted_replies) {
    std::vector<std::pair<std::string_view, std::string_view>> pairs(value->hash().begin(),
                                                                     value->hash().end());
    std::sort(pairs.begin(), pairs.end());
    for (const auto& [field, field_value] : pairs) {
      AppendBulk(c.out, field);
      AppendBulk(c.out, field_value);
    }
    return;
  }
  for (const auto& [field, field_value] : value->hash()) {
    AppendBulk(c.out, field);
    AppendBulk(c.out, field_value);
  }
}

void HDel(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kHash, &value)) return;
  int64_t removed = 0;
  if (value != nullptr) {
    for (std::string_view field : argv.subspan(2)) removed += value->hash().erase(field);
    c.keys.EraseIfEmpty(argv[1]);
  }
  AppendInteger(c.out, removed);
}

void HLen(CommandContext& c, Args argv) {
  Value* value;
  if (!FindTyped(c, argv[1], Type::kHash, &value)) return;
  AppendInteger(c.out, value == nullptr ? 0 : static_cast<int64_t>(value->hash().size()));
}

constexpr Command kCommands[] = {
    {"hset", -4, true, HSet},       {"hmset", -4, true, HMSet}, {"hget", 3, false, HGet},
    {"hgetall", 2, false, HGetAll}, {"hdel", -3, false, HDel},  {"hlen", 2, false, HLen},
};

}  // namespace

absl::Span<const Command> HashCommands() { return kCommands; }

}  // namespace server
