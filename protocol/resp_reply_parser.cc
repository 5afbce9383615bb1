// RespReplyParser: strict incremental RESP2 reply parsing (see resp_reply_parser.h).
#include "protocol/resp_reply_parser.h"

#include <optional>

#include "protocol/resp_number.h"

namespace protocol {

std::string_view RespTypeName(RespType type) {
  switch (type) {
    case RespType::kSimpleString:
      return "simple";
    case RespType::kError:
      return "error";
    case RespType::kInteger:
      return "integer";
    case RespType::kBulkString:
      return "bulk";
    case RespType::kNullBulk:
      return "null-bulk";
    case RespType::kArray:
      return "array";
    case RespType::kNullArray:
      return "null-array";
  }
  return "?";
}

void RespReplyParser::Reset() {
  pos_ = 0;
  lines_.Reset();
  bulk_length_ = -1;
  remaining_.clear();
  have_top_ = false;
}

RespReplyParser::Result RespReplyParser::Error(std::string_view message) {
  Reset();
  Result result;
  result.status = ParseStatus::kError;
  result.error = message;
  return result;
}

RespReplyParser::Result RespReplyParser::Parse(std::string_view input) {
  for (;;) {
    size_t element_end = 0;
    if (bulk_length_ >= 0) {
      const size_t length = static_cast<size_t>(bulk_length_);
      if (input.size() - pos_ < length + 2) return Result{};
      if (input[pos_ + length] != '\r' || input[pos_ + length + 1] != '\n') {
        return Error("bulk data not followed by CRLF");
      }
      element_end = pos_ + length + 2;
      bulk_length_ = -1;
    } else {
      // Find the header line's "\r", resuming where the last call stopped. A budget of one byte
      // past the limit tells "at the limit" from "over it" whatever the split.
      bool too_long = false;
      const size_t cr = lines_.Find(input, pos_, '\r', options_.max_line_bytes + 1, &too_long);
      if (cr == std::string_view::npos) return too_long ? Error("line too long") : Result{};
      if (cr + 1 >= input.size()) return Result{};
      if (input[cr + 1] != '\n') return Error("CR not followed by LF");
      const char type = input[pos_];
      const std::string_view text = input.substr(pos_ + 1, cr - pos_ - 1);
      const size_t next = cr + 2;
      const bool top = !have_top_;
      auto set_top = [&](RespType t, size_t payload_begin, int64_t integer) {
        if (!top) return;
        have_top_ = true;
        top_type_ = t;
        top_payload_begin_ = payload_begin;
        top_integer_ = integer;
      };
      switch (type) {
        case '+':
          set_top(RespType::kSimpleString, pos_ + 1, 0);
          element_end = next;
          break;
        case '-':
          set_top(RespType::kError, pos_ + 1, 0);
          element_end = next;
          break;
        case ':': {
          const std::optional<int64_t> value = ParseRespInteger(text);
          if (!value.has_value()) return Error("invalid integer");
          set_top(RespType::kInteger, pos_ + 1, *value);
          element_end = next;
          break;
        }
        case '$': {
          const std::optional<int64_t> length = ParseRespInteger(text);
          if (!length.has_value() || *length < -1 || *length > options_.max_bulk_bytes) {
            return Error("invalid bulk length");
          }
          if (*length == -1) {
            set_top(RespType::kNullBulk, next, 0);
            element_end = next;
          } else {
            set_top(RespType::kBulkString, next, *length);
            pos_ = next;
            bulk_length_ = *length;
            continue;
          }
          break;
        }
        case '*': {
          const std::optional<int64_t> count = ParseRespInteger(text);
          if (!count.has_value() || *count < -1 || *count > options_.max_array_count) {
            return Error("invalid multibulk length");
          }
          if (*count == -1) {
            set_top(RespType::kNullArray, next, 0);
            element_end = next;
          } else {
            set_top(RespType::kArray, next, *count);
            if (*count == 0) {
              element_end = next;
            } else {
              if (remaining_.size() >= options_.max_depth) return Error("arrays nested too deep");
              remaining_.push_back(*count);
              pos_ = next;
              continue;
            }
          }
          break;
        }
        default:
          error_ = "unknown reply type '";
          error_.push_back(type);
          error_.push_back('\'');
          return Error(error_);
      }
    }

    // One element finished at element_end: close every array it completes.
    pos_ = element_end;
    while (!remaining_.empty() && --remaining_.back() == 0) remaining_.pop_back();
    if (!remaining_.empty()) continue;

    Result result;
    result.status = ParseStatus::kComplete;
    result.consumed = element_end;
    result.type = top_type_;
    result.integer = top_integer_;
    switch (top_type_) {
      case RespType::kSimpleString:
      case RespType::kError:
      case RespType::kInteger:
        result.payload = input.substr(top_payload_begin_, element_end - 2 - top_payload_begin_);
        break;
      case RespType::kBulkString:
        result.payload = input.substr(top_payload_begin_, static_cast<size_t>(top_integer_));
        result.integer = 0;
        break;
      case RespType::kArray:
        result.payload = input.substr(top_payload_begin_, element_end - top_payload_begin_);
        break;
      case RespType::kNullBulk:
      case RespType::kNullArray:
        break;
    }
    Reset();
    return result;
  }
}

}  // namespace protocol
