// Keyspace: Redis's database 0. Keys map to values; a key may carry a deadline (unix ms) after
// which it is gone: lazily, when a command touches it, and actively, by ExpireCycle.
#ifndef KEYSPACE_KEYSPACE_H_
#define KEYSPACE_KEYSPACE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "keyspace/bytes_hash.h"
#include "keyspace/compact_bytes.h"
#include "keyspace/value.h"

namespace keyspace {

// Wall-clock milliseconds since the epoch, the unit of Redis's deadlines.
int64_t UnixMillis();

// Not thread-safe: one thread at a time (see Database for the server's locking).
//
//   Keyspace keys;
//   auto [value, created] = keys.FindOrCreate("k", Type::kList);
//   if (value->type() != Type::kList) ... WRONGTYPE ...
//   value->list().push_back("x");
//   keys.SetDeadline("k", UnixMillis() + 1000);
//
// Expiry: a key whose deadline is in the past (now > deadline, as Redis decides) is never seen
// by Find. Deadlines are also kept in an ordered index, so ExpireCycle reclaims exactly the
// expired keys, soonest first, with no sampling misses, however few of the keys expire.
class Keyspace {
 public:
  using Clock = int64_t (*)();
  explicit Keyspace(Clock clock = &UnixMillis) : clock_(clock) {}

  // The live value of `key`, or null. Allocates nothing.
  Value* Find(std::string_view key);
  // The live value of `key`, or a new empty one of `type` (second: true). An existing value may
  // be of another type; the caller checks.
  std::pair<Value*, bool> FindOrCreate(std::string_view key, Type type);
  // Stores `bytes` as a string under `key`, replacing any value (reusing a string's storage). The
  // deadline is dropped unless `keep_deadline`.
  void SetString(std::string_view key, std::string_view bytes, bool keep_deadline);
  bool Erase(std::string_view key);
  // Erases `key` if its value is an aggregate left empty (after a pop or a removal).
  void EraseIfEmpty(std::string_view key);
  void Clear();

  // A live key's deadline in unix ms, or -1 if it has none. Requires Find(key) != null.
  int64_t DeadlineOf(std::string_view key) const;
  // Gives a live key a deadline. Requires Find(key) != null.
  void SetDeadline(std::string_view key, int64_t deadline_ms);
  // Removes a live key's deadline; false if it had none.
  bool ClearDeadline(std::string_view key);

  struct CycleResult {
    size_t expired = 0;
    bool more = false;  // stopped by the budget with expired keys left
  };
  // Erases keys whose deadline has passed, soonest first, for at most about `budget_nanos`.
  CycleResult ExpireCycle(int64_t budget_nanos);

  // Calls `f(key)` for each live key (keys past their deadline are skipped, not erased).
  template <typename F>
  void ForEachLiveKey(F&& f) const {
    const int64_t now = clock_();
    for (const auto& [key, entry] : map_) {
      if (entry.deadline_ms != kNoDeadline && now > entry.deadline_ms) continue;
      f(std::string_view(key));
    }
  }

  int64_t now_ms() const { return clock_(); }
  // Keys held, counting those past their deadline not yet reclaimed (Redis's DBSIZE).
  size_t size() const { return map_.size(); }
  size_t keys_with_deadline() const { return deadlines_.size(); }
  // Mean time left of the keys with a deadline, in ms (0 if none), for INFO's avg_ttl.
  int64_t AverageTtlMillis() const;

 private:
  static constexpr int64_t kNoDeadline = 0;
  struct Entry {
    explicit Entry(Type type) : value(type) {}
    Value value;
    int64_t deadline_ms = kNoDeadline;
  };
  static_assert(sizeof(Entry) == 40);
  // A slot is 64 bytes: the key in place (see compact_bytes.h) and the Entry.
  using Map = absl::flat_hash_map<CompactBytes, Entry, BytesHash, BytesEq>;

  // The entry of `key` if it is live; an expired one is erased on the way.
  Map::iterator FindLive(std::string_view key);
  void EraseEntry(Map::iterator it);
  void DropDeadline(std::string_view key, Entry& entry);

  Clock clock_;
  Map map_;
  // (deadline, key) of every key with a deadline, soonest first.
  absl::btree_set<std::pair<int64_t, std::string>> deadlines_;
  // Sum of deadlines_' deadlines, for the average without a walk.
  __int128 deadline_sum_ = 0;
};

}  // namespace keyspace

#endif  // KEYSPACE_KEYSPACE_H_
