// CompactBytes: the switch between inline and heap storage (see compact_bytes.h).
#include "keyspace/compact_bytes.h"

#include <algorithm>
#include <bit>

namespace keyspace {

static_assert(std::endian::native == std::endian::little,
              "the heap capacity is kept in 7 little-endian bytes");

void CompactBytes::SetHeap(char* data, size_t size, size_t capacity) {
  const uint64_t n = size;
  const uint64_t c = capacity;
  std::memcpy(storage_, &data, sizeof(data));
  std::memcpy(storage_ + 8, &n, sizeof(n));
  std::memcpy(storage_ + 16, &c, 7);
  storage_[kInlineCapacity] = static_cast<char>(kHeapTag);
}

void CompactBytes::assign(std::string_view bytes) {
  if (!is_heap() && bytes.size() <= kInlineCapacity) {
    std::memmove(storage_, bytes.data(), bytes.size());
    SetInlineSize(bytes.size());
    return;
  }
  if (is_heap() && bytes.size() <= heap_capacity()) {
    char* p = heap_data();
    std::memmove(p, bytes.data(), bytes.size());
    SetHeap(p, bytes.size(), heap_capacity());
    return;
  }
  // `bytes` may be our own; copy before releasing.
  char* fresh = new char[bytes.size()];
  std::memcpy(fresh, bytes.data(), bytes.size());
  Release();
  SetHeap(fresh, bytes.size(), bytes.size());
}

void CompactBytes::append(std::string_view bytes) {
  const size_t old_size = size();
  const size_t new_size = old_size + bytes.size();
  if (!is_heap() && new_size <= kInlineCapacity) {
    std::memmove(storage_ + old_size, bytes.data(), bytes.size());
    SetInlineSize(new_size);
    return;
  }
  if (is_heap() && new_size <= heap_capacity()) {
    char* p = heap_data();
    std::memmove(p + old_size, bytes.data(), bytes.size());
    SetHeap(p, new_size, heap_capacity());
    return;
  }
  // `bytes` may point into our own storage, so the new block is filled before the old goes.
  const size_t capacity = std::max(new_size, 2 * old_size);
  char* fresh = new char[capacity];
  std::memcpy(fresh, data(), old_size);
  std::memcpy(fresh + old_size, bytes.data(), bytes.size());
  Release();
  SetHeap(fresh, new_size, capacity);
}

void CompactBytes::Release() {
  if (is_heap()) delete[] heap_data();
  SetInlineSize(0);
}

}  // namespace keyspace
