// ParseRespInteger: the strict decimal integer syntax RESP uses for lengths and integer replies,
// shared by the request and reply parsers so both accept exactly what Redis's string2ll accepts.
#ifndef PROTOCOL_RESP_NUMBER_H_
#define PROTOCOL_RESP_NUMBER_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace protocol {

// Parses `text` as a signed 64-bit decimal, as Redis's string2ll does: an optional '-', then
// digits with no leading zero ("0" alone is fine), no '+', no spaces, no overflow. Anything else,
// including the empty string, is nullopt.
inline std::optional<int64_t> ParseRespInteger(std::string_view text) {
  // 20 characters hold "-9223372036854775808"; string2ll refuses longer inputs outright.
  if (text.empty() || text.size() > 20) return std::nullopt;
  if (text == "0") return 0;
  bool negative = false;
  size_t i = 0;
  if (text[0] == '-') {
    negative = true;
    i = 1;
    if (text.size() == 1) return std::nullopt;
  }
  if (text[i] < '1' || text[i] > '9') return std::nullopt;
  uint64_t value = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (negative) {
    if (value > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - value);
  }
  if (value > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(value);
}

}  // namespace protocol

#endif  // PROTOCOL_RESP_NUMBER_H_
