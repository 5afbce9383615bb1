// RateLimitedLog: one kind of repeated event (EMFILE, a refusal, a timeout) logged at most once a
// period, each line saying how many were suppressed since the last, never one line per
// occurrence however fast they come.
#ifndef LOGGING_RATE_LIMITED_LOG_H_
#define LOGGING_RATE_LIMITED_LOG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "logging/log.h"

namespace logging {

// One per call site, usually a function-local static (thread-safe: several loops may share it).
//
//   static logging::RateLimitedLog refusals(logging::Level::kWarning, "refused connections");
//   refusals.Log([&] { return absl::StrCat("refused a connection: ", n, " open"); });
//
// The first event logs at once; others within `period` are only counted, and the next line that
// is logged ends with "(suppressed N since the last line)". FlushAll() reports counts still
// pending (at exit), so no suppressed event goes unmentioned.
class RateLimitedLog {
 public:
  // `what` names the events in the flush line: "refused connections".
  RateLimitedLog(Level level, std::string what, absl::Duration period = absl::Seconds(1),
                 std::function<absl::Time()> clock = nullptr);
  ~RateLimitedLog();
  RateLimitedLog(const RateLimitedLog&) = delete;
  RateLimitedLog& operator=(const RateLimitedLog&) = delete;

  // Counts one event and logs `message()` unless a line went out less than `period` ago. The
  // message is built only when it is logged.
  template <typename MessageFn>
  void Log(MessageFn message) {
    uint64_t suppressed = 0;
    if (Admit(&suppressed)) Emit(message(), suppressed);
  }

  // Logs "<what>: suppressed N since the last line" for every RateLimitedLog with a pending count.
  static void FlushAll();

 private:
  // Whether this event is logged; if so, `*suppressed` is how many were not since the last line.
  bool Admit(uint64_t* suppressed);
  void Emit(std::string_view message, uint64_t suppressed);
  void Flush();

  const Level level_;
  const std::string what_;
  const absl::Duration period_;
  const std::function<absl::Time()> clock_;
  absl::Mutex mutex_;
  absl::Time last_logged_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  uint64_t suppressed_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace logging

#endif  // LOGGING_RATE_LIMITED_LOG_H_
