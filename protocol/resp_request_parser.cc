// RespRequestParser: Redis-compatible RESP2 request parsing (see resp_request_parser.h).
#include "protocol/resp_request_parser.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "protocol/ascii.h"
#include "protocol/resp_number.h"

namespace protocol {
namespace {

// isspace() in the C locale, which sdssplitargs uses to skip blanks between arguments.
bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

void RespRequestParser::Reset() {
  mode_ = Mode::kStart;
  lines_.Reset();
  pos_ = 0;
  args_left_ = -1;
  bulk_length_ = -1;
}

void RespRequestParser::ReleaseArguments() {
  // swap with an empty vector: shrink_to_fit is only a request.
  if (pieces_.capacity() > kRetainedArguments) std::vector<Piece>().swap(pieces_);
  if (argv_.capacity() > kRetainedArguments) std::vector<std::string_view>().swap(argv_);
  // decoded_ holds at most one inline line (max_inline_bytes); error_ one short message.
}

size_t RespRequestParser::memory_bytes() const {
  return pieces_.capacity() * sizeof(Piece) + argv_.capacity() * sizeof(std::string_view) +
         decoded_.capacity() + error_.capacity();
}

RespRequestParser::Result RespRequestParser::Parse(std::string_view input) {
  if (mode_ == Mode::kStart) {
    if (input.empty()) return Result{};
    mode_ = input[0] == '*' ? Mode::kMultibulk : Mode::kInline;
  }
  return mode_ == Mode::kInline ? ParseInline(input) : ParseMultibulk(input);
}

RespRequestParser::Result RespRequestParser::ParseInline(std::string_view input) {
  bool too_long = false;
  const size_t newline = lines_.Find(input, 0, '\n', line_budget(), &too_long);
  if (newline == std::string_view::npos) {
    if (too_long) return Error("too big inline request");
    return Result{};
  }
  size_t line_end = newline;
  if (line_end > 0 && input[line_end - 1] == '\r') --line_end;
  if (!SplitInline(input, line_end)) return Error("unbalanced quotes in request");
  return Complete(input, newline + 1);
}

bool RespRequestParser::SplitInline(std::string_view input, size_t line_end) {
  pieces_.clear();
  decoded_.clear();
  // sdssplitargs works on a C string: a NUL ends the line.
  const void* nul = std::memchr(input.data(), '\0', line_end);
  const size_t end = nul != nullptr ? static_cast<const char*>(nul) - input.data() : line_end;
  auto at = [&](size_t i) -> char { return i < end ? input[i] : '\0'; };

  size_t p = 0;
  for (;;) {
    while (p < end && IsCSpace(input[p])) ++p;
    if (p >= end) return true;
    // A token is a plain slice of the input until a quote shows up; from then on it is decoded.
    Piece piece{p, 0, false};
    bool in_double = false;
    bool in_single = false;
    // Before the first quote or escape, moves what was plain so far into decoded_.
    auto start_decoding = [&]() {
      if (piece.decoded) return;
      const std::string_view plain = input.substr(piece.begin, piece.length);
      piece.begin = decoded_.size();
      piece.decoded = true;
      decoded_.append(plain);
    };
    auto add = [&](char c) {
      start_decoding();
      decoded_.push_back(c);
      ++piece.length;
    };
    bool done = false;
    while (!done) {
      const char c = at(p);
      if (in_double) {
        if (c == '\\' && at(p + 1) == 'x' && HexDigitValue(at(p + 2)) >= 0 &&
            HexDigitValue(at(p + 3)) >= 0) {
          add(static_cast<char>(HexDigitValue(at(p + 2)) * 16 + HexDigitValue(at(p + 3))));
          p += 3;
        } else if (c == '\\' && at(p + 1) != '\0') {
          ++p;
          char out = at(p);
          switch (out) {
            case 'n':
              out = '\n';
              break;
            case 'r':
              out = '\r';
              break;
            case 't':
              out = '\t';
              break;
            case 'b':
              out = '\b';
              break;
            case 'a':
              out = '\a';
              break;
            default:
              break;
          }
          add(out);
        } else if (c == '"') {
          // The closing quote must be followed by a blank or the end of the line.
          if (at(p + 1) != '\0' && !IsCSpace(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;  // unterminated quotes
        } else {
          add(c);
        }
      } else if (in_single) {
        if (c == '\\' && at(p + 1) == '\'') {
          ++p;
          add('\'');
        } else if (c == '\'') {
          if (at(p + 1) != '\0' && !IsCSpace(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          add(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            start_decoding();
            in_double = true;
            break;
          case '\'':
            start_decoding();
            in_single = true;
            break;
          default:
            if (piece.decoded) {
              decoded_.push_back(c);
            }
            ++piece.length;
            break;
        }
      }
      if (p < end) ++p;
    }
    pieces_.push_back(piece);
  }
}

RespRequestParser::Result RespRequestParser::ParseMultibulk(std::string_view input) {
  bool too_long = false;
  if (args_left_ < 0) {
    const size_t cr = lines_.Find(input, 0, '\r', line_budget(), &too_long);
    if (cr == std::string_view::npos) {
      if (too_long) return Error("too big mbulk count string");
      return Result{};
    }
    // The "\r" must be followed by one more byte ("\n", unchecked, as in Redis).
    if (cr + 2 > input.size()) return Result{};
    const std::optional<int64_t> count = ParseRespInteger(input.substr(1, cr - 1));
    if (!count.has_value() || *count > options_.max_multibulk_count) {
      return Error("invalid multibulk length");
    }
    pos_ = cr + 2;
    if (*count <= 0) return Complete(input, pos_);
    args_left_ = *count;
    pieces_.clear();
    pieces_.reserve(std::min<size_t>(static_cast<size_t>(*count), kRetainedArguments));
  }

  while (args_left_ > 0) {
    if (bulk_length_ < 0) {
      const size_t cr = lines_.Find(input, pos_, '\r', line_budget(), &too_long);
      if (cr == std::string_view::npos) {
        if (too_long) return Error("too big bulk count string");
        return Result{};
      }
      if (cr + 2 > input.size()) return Result{};
      if (input[pos_] != '$') {
        error_ = "expected '$', got '";
        error_.push_back(input[pos_]);
        error_.push_back('\'');
        return Error(error_);
      }
      const std::optional<int64_t> length = ParseRespInteger(input.substr(pos_ + 1, cr - pos_ - 1));
      if (!length.has_value() || *length < 0 || *length > options_.max_bulk_bytes) {
        return Error("invalid bulk length");
      }
      bulk_length_ = *length;
      pos_ = cr + 2;
    }
    // The whole bulk and its two trailing bytes must be here; checking costs O(1) however many
    // times a large bulk is shown again while it arrives.
    const size_t needed = static_cast<size_t>(bulk_length_) + 2;
    if (input.size() - pos_ < needed) return Result{};
    pieces_.push_back(Piece{pos_, static_cast<size_t>(bulk_length_), false});
    pos_ += needed;
    bulk_length_ = -1;
    --args_left_;
  }
  return Complete(input, pos_);
}

RespRequestParser::Result RespRequestParser::Complete(std::string_view input, size_t consumed) {
  const bool inline_request = mode_ == Mode::kInline;
  argv_.clear();
  if (inline_request || args_left_ == 0) {
    argv_.reserve(pieces_.size());
    for (const Piece& piece : pieces_) {
      const std::string_view source = piece.decoded ? std::string_view(decoded_) : input;
      argv_.push_back(source.substr(piece.begin, piece.length));
    }
  }
  pieces_.clear();
  Reset();
  Result result;
  result.status = ParseStatus::kComplete;
  result.consumed = consumed;
  result.argv = absl::MakeConstSpan(argv_);
  return result;
}

RespRequestParser::Result RespRequestParser::Error(std::string_view message) {
  Reset();
  Result result;
  result.status = ParseStatus::kError;
  result.error = message;
  return result;
}

}  // namespace protocol
