// Log: leveled, timestamped lines on stderr, one write per line so lines from several loop
// threads never interleave. Small on purpose: absl 20220623 has no absl/log.
#ifndef LOGGING_LOG_H_
#define LOGGING_LOG_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/strings/str_format.h"

namespace logging {

enum class Level { kDebug, kInfo, kWarning, kError };

// "debug", "info", "warning", "error" (any case); false for anything else.
bool ParseLevel(std::string_view text, Level* level);
std::string_view LevelName(Level level);

// Lines below the minimum (default kInfo) are dropped without being formatted.
void SetMinLevel(Level level);
bool Enabled(Level level);

// Writes "2026-12-02T04:30:01.123Z WARNING <message>\n" to stderr, whatever the level. Callers
// that format check Enabled() first; Log() below does.
void Write(Level level, std::string_view message);

//   logging::Log(logging::Level::kWarning, "accept: %s", strerror(errno));
template <typename... Args>
void Log(Level level, const absl::FormatSpec<Args...>& format, const Args&... args) {
  if (Enabled(level)) Write(level, absl::StrFormat(format, args...));
}

// For tests: receives every whole line (with its newline) instead of stderr; null restores it.
void SetSinkForTesting(std::function<void(std::string_view line)> sink);

}  // namespace logging

#endif  // LOGGING_LOG_H_
