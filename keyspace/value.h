// Value: what one key holds, one of Redis's five data types. Strings are CompactBytes (up to 23
// bytes in place, with no allocation); the aggregates live behind one pointer, so a key costs the
// same whatever type it could have held: 32 bytes (std::string made it 40; see compact_bytes.h).
#ifndef KEYSPACE_VALUE_H_
#define KEYSPACE_VALUE_H_

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "keyspace/bytes_hash.h"
#include "keyspace/compact_bytes.h"
#include "keyspace/sorted_set.h"

namespace keyspace {

// In the order of Value's alternatives.
enum class Type { kString, kList, kSet, kHash, kSortedSet };

// The name TYPE replies with.
constexpr std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kString:
      return "string";
    case Type::kList:
      return "list";
    case Type::kSet:
      return "set";
    case Type::kHash:
      return "hash";
    case Type::kSortedSet:
      return "zset";
  }
  return "none";
}

using List = std::deque<std::string>;
using Set = BytesSet;
using Hash = BytesMap<std::string>;

class Value {
 public:
  // An empty value of `type`.
  explicit Value(Type type) {
    switch (type) {
      case Type::kString:
        data_.emplace<CompactBytes>();
        break;
      case Type::kList:
        data_.emplace<std::unique_ptr<List>>(std::make_unique<List>());
        break;
      case Type::kSet:
        data_.emplace<std::unique_ptr<Set>>(std::make_unique<Set>());
        break;
      case Type::kHash:
        data_.emplace<std::unique_ptr<Hash>>(std::make_unique<Hash>());
        break;
      case Type::kSortedSet:
        data_.emplace<std::unique_ptr<SortedSet>>(std::make_unique<SortedSet>());
        break;
    }
  }

  Type type() const { return static_cast<Type>(data_.index()); }

  // Each accessor requires the matching type().
  CompactBytes& string() { return std::get<CompactBytes>(data_); }
  List& list() { return *std::get<std::unique_ptr<List>>(data_); }
  Set& set() { return *std::get<std::unique_ptr<Set>>(data_); }
  Hash& hash() { return *std::get<std::unique_ptr<Hash>>(data_); }
  SortedSet& sorted_set() { return *std::get<std::unique_ptr<SortedSet>>(data_); }

  // An aggregate with no elements; Redis never keeps one (the key goes with its last element).
  bool IsEmptyAggregate() const {
    switch (type()) {
      case Type::kString:
        return false;
      case Type::kList:
        return std::get<std::unique_ptr<List>>(data_)->empty();
      case Type::kSet:
        return std::get<std::unique_ptr<Set>>(data_)->empty();
      case Type::kHash:
        return std::get<std::unique_ptr<Hash>>(data_)->empty();
      case Type::kSortedSet:
        return std::get<std::unique_ptr<SortedSet>>(data_)->size() == 0;
    }
    return false;
  }

 private:
  std::variant<CompactBytes, std::unique_ptr<List>, std::unique_ptr<Set>, std::unique_ptr<Hash>,
               std::unique_ptr<SortedSet>>
      data_;
};

static_assert(sizeof(Value) == 32);

}  // namespace keyspace

#endif  // KEYSPACE_VALUE_H_
