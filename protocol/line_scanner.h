// LineScanner: finds where a line ends, within a byte budget, in input that arrives in pieces,
// searching no byte twice. The one line finder of every parser in protocol/: RESP requests ("\r"
// of "*<count>" and "$<len>" lines, "\n" of inline commands), RESP replies ("\r") and HTTP
// messages ("\n", chunk-size and trailer lines included).
#ifndef PROTOCOL_LINE_SCANNER_H_
#define PROTOCOL_LINE_SCANNER_H_

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstring>
#include <string_view>

namespace protocol {

// Remembers, as an offset (never a pointer, so the caller's buffer may move), how far the current
// line has been searched. A line shown again with more bytes appended is searched only in the new
// bytes: a 64 KiB line arriving a byte at a time costs O(64 KiB), not O(64 KiB^2).
//
//   bool over_budget = false;
//   const size_t lf = lines_.Find(input, line_start, '\n', budget, &over_budget);
//   if (lf == std::string_view::npos) return over_budget ? kError : kIncomplete;
//   ... the line is [line_start, lf); the next one starts after lf ...
//
// Lines must be looked for in order. Reset() when offsets start again from 0, i.e. when the
// caller drops the input it has consumed.
class LineScanner {
 public:
  // Finds the first `terminator` at or after `line_start`, an offset into `input` (at most its
  // size). The line, terminator included, may take at most `budget` bytes, so no more are
  // searched. Returns the terminator's offset, or npos; then *over_budget tells whether the line
  // can no longer fit, whatever arrives next. Both answers depend only on the bytes that have
  // arrived, never on how they were split.
  size_t Find(std::string_view input, size_t line_start, char terminator, size_t budget,
              bool* over_budget) {
    assert(line_start <= input.size());
    *over_budget = false;
    const size_t available = input.size() - line_start;
    const size_t window_end = line_start + std::min(budget, available);
    const size_t from = std::max(scanned_, line_start);
    if (from < window_end) {
      const void* hit = std::memchr(input.data() + from, terminator, window_end - from);
      if (hit != nullptr) {
        // Left on the terminator, not past it: a caller that also needs the byte after it (RESP's
        // "\n") and returns for more finds the same terminator again at once.
        scanned_ = static_cast<size_t>(static_cast<const char*>(hit) - input.data());
        bytes_examined_ += scanned_ + 1 - from;
        return scanned_;
      }
      bytes_examined_ += window_end - from;
    }
    scanned_ = std::max(from, window_end);
    *over_budget = available >= budget;
    return std::string_view::npos;
  }

  void Reset() { scanned_ = 0; }

  // Bytes searched since construction (not cleared by Reset), for tests of the cost.
  size_t bytes_examined() const { return bytes_examined_; }

 private:
  // The current line holds no terminator before this offset.
  size_t scanned_ = 0;
  size_t bytes_examined_ = 0;
};

}  // namespace protocol

#endif  // PROTOCOL_LINE_SCANNER_H_
