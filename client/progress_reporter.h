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
#include "absl/time/time.h"
#include "client/latency_histogram.h"

namespace client {

struct SeriesPoint {
  int second = 0;  // 1 for the first second of the run
  // The part of the second the figures cover: 1 except for the run's last, partial second.
  double span_seconds = 1;
  bool warmup = false;  // the second began inside the warm-up (not measured)
  uint64_t responses = 0;
  uint64_t errors = 0;
  uint64_t open_connections = 0;
  LatencyHistogram::Snapshot latency;  // corrected, of the responses in this second
};

// One thread's figures for one second.
struct SecondReport {
  int second = 0;
  double span_seconds = 1;  // < 1: the thread's last, partial second
  uint64_t responses = 0;
  uint64_t errors = 0;
  uint64_t open_connections = 0;
  // The age of the oldest request the thread owes an answer for (in flight, or due and unsent);
  // 0 if none. Printed when a second has no answers, so a stalled server shows how long.
  int64_t oldest_owed_nanos = 0;
  uint64_t measured_answered = 0;  // measured responses so far (for a --requests run)
  const LatencyHistogram* latency = nullptr;
};

// How far a run goes: the progress line says how far it has come.
struct RunBounds {
  absl::Duration warmup;
  absl::Duration duration;  // measured time, unless `requests` bounds the run
  uint64_t requests = 0;
};

// Second N is complete, and printed, once every thread has reported it or has finished: seconds
// come out once each and in order, whichever thread is late. Called once a second per thread, so
// a mutex costs nothing that matters.
class ProgressReporter {
 public:
  // `out` is null for no printing (--progress=false); the series is kept regardless.
  ProgressReporter(int threads, std::FILE* out, const RunBounds& bounds);

  void Report(int thread, const SecondReport& report);
  // `thread` has finished (after its last Report): later seconds no longer wait for it.
  void ThreadDone(int thread);
  // Every second reported, in order.
  std::vector<SeriesPoint> TakeSeries();

 private:
  struct Pending {
    double span_seconds = 0;
    uint64_t responses = 0;
    uint64_t errors = 0;
    uint64_t open_connections = 0;
    int64_t oldest_owed_nanos = 0;
    LatencyHistogram latency;
  };
  void CompleteReadyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Emit(int second, Pending& pending) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  std::FILE* const out_;
  const RunBounds bounds_;
  absl::Mutex mutex_;
  // Per thread: the last second it reported, and whether it has finished.
  std::vector<int> reported_ ABSL_GUARDED_BY(mutex_);
  std::vector<bool> done_ ABSL_GUARDED_BY(mutex_);
  std::vector<uint64_t> answered_ ABSL_GUARDED_BY(mutex_);
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
