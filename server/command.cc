// The argument and lookup helpers every command family shares (see command.h).
#include "server/command.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "protocol/resp_number.h"

namespace server {

std::optional<int64_t> IntegerArg(CommandContext& context, std::string_view text) {
  std::optional<int64_t> value = protocol::ParseRespInteger(text);
  if (!value) AppendNotInteger(context.out);
  return value;
}

std::optional<int64_t> PositiveCountArg(CommandContext& context, std::string_view text) {
  // Redis's getPositiveLongFromObjectOrReply words a non-number as it words a negative one.
  std::optional<int64_t> value = protocol::ParseRespInteger(text);
  if (!value || *value < 0) {
    AppendError(context.out, "ERR value is out of range, must be positive");
    return std::nullopt;
  }
  return value;
}

std::optional<std::pair<int64_t, int64_t>> RankRange(int64_t start, int64_t end, int64_t length) {
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return std::nullopt;
  if (end >= length) end = length - 1;
  return std::make_pair(start, end);
}

double Strtod(std::string_view text, size_t* parsed, bool* out_of_range) {
  // strtod needs a terminated string; numbers are short, so the copy stays on the stack.
  char small[64];
  std::string large;
  const char* start;
  if (text.size() < sizeof(small)) {
    text.copy(small, text.size());
    small[text.size()] = '\0';
    start = small;
  } else {
    large.assign(text);
    start = large.c_str();
  }
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(start, &end);
  *parsed = static_cast<size_t>(end - start);
  *out_of_range = errno == ERANGE;
  return value;
}

std::optional<double> ParseDouble(std::string_view text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  size_t parsed;
  bool out_of_range;
  const double value = Strtod(text, &parsed, &out_of_range);
  if (parsed != text.size() || std::isnan(value) ||
      (out_of_range && (value == HUGE_VAL || value == -HUGE_VAL || value == 0))) {
    return std::nullopt;
  }
  return value;
}

bool FindTyped(CommandContext& context, std::string_view key, keyspace::Type type,
               keyspace::Value** value) {
  *value = context.keys.Find(key);
  if (*value != nullptr && (*value)->type() != type) {
    AppendWrongType(context.out);
    return false;
  }
  return true;
}

bool FindOrCreateTyped(CommandContext& context, std::string_view key, keyspace::Type type,
                       keyspace::Value** value) {
  *value = context.keys.FindOrCreate(key, type).first;
  if ((*value)->type() != type) {
    AppendWrongType(context.out);
    return false;
  }
  return true;
}

}  // namespace server
