// Keyspace: lookups with lazy expiry, and the active expiry cycle (see keyspace.h).
#include "keyspace/keyspace.h"

#include <time.h>

#include <string>

namespace keyspace {
namespace {

int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

}  // namespace

int64_t UnixMillis() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

Keyspace::Map::iterator Keyspace::FindLive(std::string_view key) {
  auto it = map_.find(key);
  // The clock is read only for keys that have a deadline: GET of a plain key costs a lookup.
  if (it != map_.end() && it->second.deadline_ms != kNoDeadline &&
      clock_() > it->second.deadline_ms) {
    EraseEntry(it);
    return map_.end();
  }
  return it;
}

Value* Keyspace::Find(std::string_view key) {
  auto it = FindLive(key);
  return it == map_.end() ? nullptr : &it->second.value;
}

std::pair<Value*, bool> Keyspace::FindOrCreate(std::string_view key, Type type) {
  auto it = FindLive(key);
  if (it != map_.end()) return {&it->second.value, false};
  it = map_.try_emplace(key, type).first;
  return {&it->second.value, true};
}

void Keyspace::SetString(std::string_view key, std::string_view bytes, bool keep_deadline) {
  auto it = FindLive(key);
  if (it == map_.end()) {
    it = map_.try_emplace(key, Type::kString).first;
  } else {
    if (!keep_deadline) DropDeadline(it->first, it->second);
    if (it->second.value.type() != Type::kString) it->second.value = Value(Type::kString);
  }
  it->second.value.string().assign(bytes.data(), bytes.size());
}

bool Keyspace::Erase(std::string_view key) {
  auto it = FindLive(key);
  if (it == map_.end()) return false;
  EraseEntry(it);
  return true;
}

void Keyspace::EraseIfEmpty(std::string_view key) {
  auto it = map_.find(key);
  if (it != map_.end() && it->second.value.IsEmptyAggregate()) EraseEntry(it);
}

void Keyspace::Clear() {
  map_.clear();
  deadlines_.clear();
  deadline_sum_ = 0;
}

void Keyspace::EraseEntry(Map::iterator it) {
  DropDeadline(it->first, it->second);
  map_.erase(it);
}

void Keyspace::DropDeadline(std::string_view key, Entry& entry) {
  if (entry.deadline_ms == kNoDeadline) return;
  deadlines_.erase(std::make_pair(entry.deadline_ms, std::string(key)));
  deadline_sum_ -= entry.deadline_ms;
  entry.deadline_ms = kNoDeadline;
}

int64_t Keyspace::DeadlineOf(std::string_view key) const {
  auto it = map_.find(key);
  if (it == map_.end() || it->second.deadline_ms == kNoDeadline) return -1;
  return it->second.deadline_ms;
}

void Keyspace::SetDeadline(std::string_view key, int64_t deadline_ms) {
  auto it = map_.find(key);
  if (it == map_.end()) return;
  DropDeadline(it->first, it->second);
  // 0 is the "none" mark; a deadline at the epoch itself is long past anyway.
  if (deadline_ms == kNoDeadline) deadline_ms = -1;
  it->second.deadline_ms = deadline_ms;
  deadlines_.emplace(deadline_ms, std::string(it->first.view()));
  deadline_sum_ += deadline_ms;
}

bool Keyspace::ClearDeadline(std::string_view key) {
  auto it = map_.find(key);
  if (it == map_.end() || it->second.deadline_ms == kNoDeadline) return false;
  DropDeadline(it->first, it->second);
  return true;
}

Keyspace::CycleResult Keyspace::ExpireCycle(int64_t budget_nanos) {
  CycleResult result;
  const int64_t now = clock_();
  const int64_t start = MonotonicNanos();
  while (!deadlines_.empty() && now > deadlines_.begin()->first) {
    // The clock is read every 32 keys: an erase is well under a microsecond.
    if (result.expired % 32 == 31 && MonotonicNanos() - start > budget_nanos) {
      result.more = true;
      break;
    }
    auto node = deadlines_.extract(deadlines_.begin());
    deadline_sum_ -= node.value().first;
    map_.erase(node.value().second);
    ++result.expired;
  }
  return result;
}

int64_t Keyspace::AverageTtlMillis() const {
  if (deadlines_.empty()) return 0;
  const int64_t average_deadline = static_cast<int64_t>(deadline_sum_ / deadlines_.size());
  const int64_t ttl = average_deadline - clock_();
  return ttl > 0 ? ttl : 0;
}

}  // namespace keyspace
