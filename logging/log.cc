// Log: level filtering, the line format and the stderr sink.
#include "logging/log.h"

#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"

namespace logging {
namespace {

std::atomic<int> min_level{static_cast<int>(Level::kInfo)};

absl::Mutex sink_mutex(absl::kConstInit);
std::function<void(std::string_view)>* test_sink ABSL_GUARDED_BY(sink_mutex) = nullptr;

void WriteToStderr(std::string_view line) {
  while (!line.empty()) {
    const ssize_t n = write(STDERR_FILENO, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report a failing stderr
    line.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

bool ParseLevel(std::string_view text, Level* level) {
  for (Level candidate : {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError}) {
    if (absl::EqualsIgnoreCase(
            absl::string_view(text.data(), text.size()),
            absl::string_view(LevelName(candidate).data(), LevelName(candidate).size()))) {
      *level = candidate;
      return true;
    }
  }
  return false;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarning:
      return "WARNING";
    case Level::kError:
      return "ERROR";
  }
  return "?";
}

void SetMinLevel(Level level) { min_level.store(static_cast<int>(level)); }

bool Enabled(Level level) {
  return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed);
}

void Write(Level level, std::string_view message) {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  tm parts;
  gmtime_r(&now.tv_sec, &parts);
  char stamp[32];
  const size_t length = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &parts);
  // Built whole, then written with one write(2): lines from several threads cannot interleave.
  const std::string line = absl::StrFormat("%s.%03dZ %s %s\n", std::string(stamp, length),
                                           static_cast<int>(now.tv_nsec / 1'000'000),
                                           std::string(LevelName(level)), std::string(message));
  absl::MutexLock lock(&sink_mutex);
  if (test_sink != nullptr) {
    (*test_sink)(line);
  } else {
    WriteToStderr(line);
  }
}

void SetSinkForTesting(std::function<void(std::string_view line)> sink) {
  absl::MutexLock lock(&sink_mutex);
  delete test_sink;
  test_sink = sink ? new std::function<void(std::string_view)>(std::move(sink)) : nullptr;
}

}  // namespace logging
