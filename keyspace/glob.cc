// GlobMatch (see glob.h), with Redis's treatment of unterminated classes and trailing escapes.
#include "keyspace/glob.h"

#include <utility>

namespace keyspace {
namespace {

char Fold(char c, bool nocase) {
  return nocase && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Recursion depth is bounded by the number of '*' in the pattern, as in Redis (which also caps
// it; a pattern is one request argument, so its size is bounded by the request limit).
bool Match(std::string_view pattern, std::string_view text, bool nocase, int depth) {
  if (depth > 1000) return false;
  while (!pattern.empty()) {
    switch (pattern[0]) {
      case '*':
        while (pattern.size() > 1 && pattern[1] == '*') pattern.remove_prefix(1);
        if (pattern.size() == 1) return true;
        for (size_t i = 0; i <= text.size(); ++i) {
          if (Match(pattern.substr(1), text.substr(i), nocase, depth + 1)) return true;
        }
        return false;
      case '?':
        if (text.empty()) return false;
        text.remove_prefix(1);
        break;
      case '[': {
        if (text.empty()) return false;
        size_t i = 1;
        const bool negate = i < pattern.size() && pattern[i] == '^';
        if (negate) ++i;
        bool matched = false;
        const char c = Fold(text[0], nocase);
        for (; i < pattern.size() && pattern[i] != ']'; ++i) {
          if (pattern[i] == '\\' && i + 1 < pattern.size()) {
            ++i;
            if (Fold(pattern[i], nocase) == c) matched = true;
          } else if (i + 2 < pattern.size() && pattern[i + 1] == '-') {
            char lo = Fold(pattern[i], nocase);
            char hi = Fold(pattern[i + 2], nocase);
            if (lo > hi) std::swap(lo, hi);
            if (c >= lo && c <= hi) matched = true;
            i += 2;
          } else if (Fold(pattern[i], nocase) == c) {
            matched = true;
          }
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        // An unterminated class ends the pattern where it ends (Redis backs up one byte).
        pattern.remove_prefix(i < pattern.size() ? i : pattern.size() - 1);
        text.remove_prefix(1);
        break;
      }
      case '\\':
        if (pattern.size() >= 2) pattern.remove_prefix(1);
        [[fallthrough]];
      default:
        if (text.empty() || Fold(pattern[0], nocase) != Fold(text[0], nocase)) return false;
        text.remove_prefix(1);
        break;
    }
    pattern.remove_prefix(1);
  }
  return text.empty();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  return Match(pattern, text, nocase, 0);
}

}  // namespace keyspace
