// RateLimitedLog: the admission rule, and the registry FlushAll() walks.
#include "logging/rate_limited_log.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace logging {
namespace {

absl::Mutex registry_mutex(absl::kConstInit);
// Every live RateLimitedLog; a pointer so that nothing runs at exit (function-local statics are
// destroyed then, and unregister themselves).
std::vector<RateLimitedLog*>* registry ABSL_GUARDED_BY(registry_mutex) = nullptr;

}  // namespace

RateLimitedLog::RateLimitedLog(Level level, std::string what, absl::Duration period,
                               std::function<absl::Time()> clock)
    : level_(level), what_(std::move(what)), period_(period), clock_(std::move(clock)) {
  absl::MutexLock lock(&registry_mutex);
  if (registry == nullptr) registry = new std::vector<RateLimitedLog*>();
  registry->push_back(this);
}

RateLimitedLog::~RateLimitedLog() {
  absl::MutexLock lock(&registry_mutex);
  registry->erase(std::remove(registry->begin(), registry->end(), this), registry->end());
}

bool RateLimitedLog::Admit(uint64_t* suppressed) {
  if (!Enabled(level_)) return false;
  const absl::Time now = clock_ ? clock_() : absl::Now();
  absl::MutexLock lock(&mutex_);
  if (now - last_logged_ < period_) {
    ++suppressed_;
    return false;
  }
  last_logged_ = now;
  *suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

void RateLimitedLog::Emit(std::string_view message, uint64_t suppressed) {
  if (suppressed == 0) {
    Write(level_, message);
  } else {
    Write(level_,
          absl::StrCat(std::string(message), " (suppressed ", suppressed, " since the last line)"));
  }
}

void RateLimitedLog::Flush() {
  uint64_t suppressed;
  {
    absl::MutexLock lock(&mutex_);
    suppressed = suppressed_;
    suppressed_ = 0;
  }
  if (suppressed > 0) {
    Write(level_, absl::StrCat(what_, ": suppressed ", suppressed, " since the last line"));
  }
}

void RateLimitedLog::FlushAll() {
  absl::MutexLock lock(&registry_mutex);
  if (registry == nullptr) return;
  for (RateLimitedLog* log : *registry) log->Flush();
}

}  // namespace logging
