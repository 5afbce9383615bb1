// The replacement global operator new/delete behind UsedMemoryBytes (see allocation_counter.h).
// Linked into every binary that has the RESP server (alwayslink), so the count covers the
// keyspace, connections' buffers and everything else the process allocates in C++.
#include "server/allocation_counter.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace server {
namespace {

// Relaxed: a statistic, read for INFO and the maxmemory check; a few bytes of lag are harmless.
std::atomic<int64_t> used_bytes{0};
std::atomic<uint64_t> allocations{0};

void* Allocate(size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (p != nullptr) {
    used_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  }
  return p;
}

void Release(void* p) {
  if (p == nullptr) return;
  used_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

uint64_t UsedMemoryBytes() {
  const int64_t used = used_bytes.load(std::memory_order_relaxed);
  return used > 0 ? static_cast<uint64_t>(used) : 0;
}

uint64_t AllocationCount() { return allocations.load(std::memory_order_relaxed); }

}  // namespace server

void* operator new(size_t size) {
  void* p = server::Allocate(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](size_t size) { return operator new(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return server::Allocate(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return server::Allocate(size); }
void operator delete(void* p) noexcept { server::Release(p); }
void operator delete[](void* p) noexcept { server::Release(p); }
void operator delete(void* p, size_t) noexcept { server::Release(p); }
void operator delete[](void* p, size_t) noexcept { server::Release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { server::Release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { server::Release(p); }
