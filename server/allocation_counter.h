// UsedMemoryBytes: the heap bytes the process holds, counted at every operator new and delete
// (as Redis's zmalloc counts), for INFO's used_memory and --maxmemory.
#ifndef SERVER_ALLOCATION_COUNTER_H_
#define SERVER_ALLOCATION_COUNTER_H_

#include <cstdint>

namespace server {

// Usable bytes of every live C++ heap allocation (malloc_usable_size, so allocator rounding is
// counted as Redis counts it). Any thread, any time.
uint64_t UsedMemoryBytes();

// Calls to operator new so far, all threads: lets a test prove a path allocates nothing.
uint64_t AllocationCount();

}  // namespace server

#endif  // SERVER_ALLOCATION_COUNTER_H_
