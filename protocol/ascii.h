// ASCII helpers for protocol text: command names, header names and tokens are ASCII and
// case-insensitive, whatever the locale; chunk sizes and "\x" escapes are hexadecimal.
#ifndef PROTOCOL_ASCII_H_
#define PROTOCOL_ASCII_H_

#include <string_view>

namespace protocol {

constexpr char AsciiToLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Case-insensitive ASCII comparison. (absl::EqualsIgnoreCase would do, but Debian's abseil has
// its own string_view type, which std::string_view does not convert to.)
constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiToLower(a[i]) != AsciiToLower(b[i])) return false;
  }
  return true;
}

// The value of a hexadecimal digit of either case, or -1 if `c` is not one.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace protocol

#endif  // PROTOCOL_ASCII_H_
