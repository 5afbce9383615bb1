// Counter: a 64-bit count with one writer (its loop's thread) and readers on any thread; the unit
// every server statistic is kept in.
#ifndef REACTOR_COUNTER_H_
#define REACTOR_COUNTER_H_

#include <atomic>
#include <cstdint>

namespace reactor {

// With a single writer, an increment needs no locked instruction: a relaxed load and store
// compile to a plain add, so the hot path pays nothing, and other threads still read a value that
// is not torn.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter& other) : value_(other.value()) {}
  Counter& operator=(const Counter& other) { return *this = other.value(); }
  Counter& operator=(uint64_t value) {
    value_.store(value, std::memory_order_relaxed);
    return *this;
  }

  uint64_t value() const { return value_.load(std::memory_order_relaxed); }
  operator uint64_t() const { return value(); }  // NOLINT: reads like the number it holds

  // Writer's thread only. A gauge goes down by wrapping: sums of wrapped values stay exact.
  Counter& operator+=(uint64_t n) { return *this = value() + n; }
  Counter& operator-=(uint64_t n) { return *this = value() - n; }
  Counter& operator++() { return *this += 1; }

 private:
  std::atomic<uint64_t> value_{0};
};

// The largest value seen since a reader last took it: "the longest loop iteration in this
// interval". The writer only stores when it raises the maximum (rare once an interval is under
// way); the reader resets it with an exchange, and a compare-and-swap makes sure no raise that
// races with that reset is lost.
class MaxSinceTaken {
 public:
  MaxSinceTaken() = default;
  MaxSinceTaken(const MaxSinceTaken& other) : value_(other.Peek()) {}
  MaxSinceTaken& operator=(const MaxSinceTaken& other) {
    value_.store(other.Peek(), std::memory_order_relaxed);
    return *this;
  }

  void Raise(uint64_t value) {
    uint64_t current = value_.load(std::memory_order_relaxed);
    while (value > current &&
           !value_.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
    }
  }
  // The maximum since the last Take(), and a fresh start from 0.
  uint64_t Take() { return value_.exchange(0, std::memory_order_relaxed); }
  uint64_t Peek() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace reactor

#endif  // REACTOR_COUNTER_H_
