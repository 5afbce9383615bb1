// ProgressReporter: gathers each thread's per-second figures into one line a second on stderr,
// and keeps them as the run's per-second series (with histograms, so series merge exactly too).
#ifndef CLIENT_PROGRESS_REPORTER_H_
#define CLIENT_PROGRESS_REPORTER_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "client/latency_histogram.h"

namespace client {

struct SeriesPoint {
  int second = 0;  // 1 for the first second of the run
  uint64_t responses = 0;
  uint64_t errors = 0;
  uint64_t open_connections = 0;
  LatencyHistogram::Snapshot latency;  // corrected, of the responses in this second
};

// Threads report second N when their loop's one-second timer fires; second N is complete, and
// printed, once every running thread has reported it. Called once a second per thread, so a mutex
// costs nothing that matters.
class ProgressReporter {
 public:
  // `out` is null for no printing (--progress=false); the series is kept regardless.
  ProgressReporter(int threads, std::FILE* out);

  void Report(int second, uint64_t responses, uint64_t errors, uint64_t open_connections,
              const LatencyHistogram& latency);
  // A thread has finished: later seconds no longer wait for it.
  void ThreadDone();
  // Every second reported so far, in order (incomplete ones included).
  std::vector<SeriesPoint> TakeSeries();

 private:
  struct Pending {
    int reports = 0;
    uint64_t responses = 0;
    uint64_t errors = 0;
    uint64_t open_connections = 0;
    LatencyHistogram latency;
  };
  void CompleteReadyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Emit(int second, Pending& pending) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  std::FILE* const out_;
  absl::Mutex mutex_;
  int running_threads_ ABSL_GUARDED_BY(mutex_);
  std::map<int, Pending> pending_ ABSL_GUARDED_BY(mutex_);
  std::vector<SeriesPoint> series_ ABSL_GUARDED_BY(mutex_);
  uint64_t errors_so_far_ ABSL_GUARDED_BY(mutex_) = 0;
};

// "152.3k", "1.20M": compact counts for narrow columns.
std::string FormatCount(double value);
// "412us", "1.53ms", "2.00s" from nanoseconds.
std::string FormatNanos(int64_t nanos);

}  // namespace client

#endif  // CLIENT_PROGRESS_REPORTER_H_
