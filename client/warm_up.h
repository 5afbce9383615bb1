// WarmUp: the one place that decides whether a moment of a run falls in the warm-up (sent,
// answered and counted in the ledger, but not measured) or in the measured window.
#ifndef CLIENT_WARM_UP_H_
#define CLIENT_WARM_UP_H_

#include <cstdint>

#include "absl/time/time.h"

namespace client {

class WarmUp {
 public:
  WarmUp() = default;  // no warm-up: everything from time 0 on is measured
  // A warm-up of `length` from `start_nanos` (any clock, as long as callers use the same one).
  WarmUp(int64_t start_nanos, absl::Duration length)
      : end_nanos_(start_nanos + absl::ToInt64Nanoseconds(length)) {}

  // The first measured moment.
  int64_t end_nanos() const { return end_nanos_; }
  // Whether a moment is measured: the boundary itself belongs to the measured window.
  bool Measures(int64_t nanos) const { return nanos >= end_nanos_; }

 private:
  int64_t end_nanos_ = 0;
};

}  // namespace client

#endif  // CLIENT_WARM_UP_H_
