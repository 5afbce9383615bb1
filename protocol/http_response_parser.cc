// HttpResponseParser: incremental HTTP/1.x response framing (see http_response_parser.h).
#include "protocol/http_response_parser.h"

namespace protocol {
namespace {

using http_internal::LineContent;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

void HttpResponseParser::Reset() {
  state_ = State::kStatusLine;
  pos_ = 0;
  lines_.Reset();
  header_start_ = 0;
  status_code_ = 0;
  version_minor_ = 1;
  framing_ = {};
  chunked_decoder_.Reset();
}

HttpResponseParser::Result HttpResponseParser::Error(std::string_view message) {
  Reset();
  Result result;
  result.status = ParseStatus::kError;
  result.error = message;
  return result;
}

HttpResponseParser::Result HttpResponseParser::Complete(std::string_view input, size_t body_begin,
                                                        uint64_t body_length) {
  Result result;
  result.status = ParseStatus::kComplete;
  result.consumed = pos_;
  result.status_code = status_code_;
  result.version_minor = version_minor_;
  result.chunked = framing_.chunked;
  // A body that runs to the close leaves no connection to keep.
  result.keep_alive = state_ != State::kUntilClose && framing_.KeepAlive(version_minor_);
  if (framing_.chunked) {
    result.body_bytes = chunked_decoder_.body_bytes();
  } else {
    result.body = input.substr(body_begin, body_length);
    result.body_bytes = body_length;
  }
  Reset();
  return result;
}

HttpResponseParser::Result HttpResponseParser::Parse(std::string_view input) {
  for (;;) {
    switch (state_) {
      case State::kStatusLine: {
        bool over = false;
        const size_t lf = lines_.Find(input, pos_, '\n', options_.max_status_line_bytes, &over);
        if (lf == std::string_view::npos) {
          return over ? Error("status line too long") : Result{};
        }
        std::string_view line;
        if (!LineContent(input, pos_, lf, &line)) return Error("bare CR in status line");
        // HTTP-version SP 3DIGIT [SP reason-phrase]; a missing reason is tolerated.
        if (line.size() < 12 || !line.starts_with("HTTP/1.") || !IsDigit(line[7]) ||
            line[8] != ' ' || !IsDigit(line[9]) || !IsDigit(line[10]) || !IsDigit(line[11]) ||
            (line.size() > 12 && line[12] != ' ') || line[9] == '0') {
          return Error("malformed status line");
        }
        version_minor_ = line[7] - '0' > 1 ? 1 : line[7] - '0';
        status_code_ = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        pos_ = lf + 1;
        header_start_ = pos_;
        state_ = State::kHeaders;
        break;
      }
      case State::kHeaders: {
        const http_internal::FieldLine field =
            http_internal::ReadFieldLine(input, header_start_, options_.max_header_bytes,
                                         http_internal::Section::kHeader, &lines_, &pos_);
        if (field.status == ParseStatus::kIncomplete) return Result{};
        if (field.status == ParseStatus::kError) return Error(field.error);
        if (!field.end_of_section) {
          std::string_view error;
          if (framing_.Apply(field.name, field.value, &error) != 0) return Error(error);
          break;
        }
        const bool no_body = status_code_ < 200 || status_code_ == 204 || status_code_ == 304;
        if (no_body) {
          framing_.chunked = false;
          return Complete(input, pos_, 0);
        }
        if (framing_.chunked && framing_.has_content_length) {
          return Error("both Content-Length and Transfer-Encoding");
        }
        if (framing_.chunked) {
          state_ = State::kChunked;
        } else if (framing_.has_content_length) {
          if (framing_.content_length > options_.max_body_bytes) return Error("body too large");
          state_ = State::kBody;
        } else {
          state_ = State::kUntilClose;
          header_start_ = pos_;  // from here on, the body's start
        }
        break;
      }
      case State::kBody: {
        if (input.size() - pos_ < framing_.content_length) return Result{};
        const size_t body_begin = pos_;
        pos_ += framing_.content_length;
        return Complete(input, body_begin, framing_.content_length);
      }
      case State::kChunked: {
        int status = 0;
        std::string_view error;
        const http_internal::ChunkedDecoder::Limits limits{options_.max_body_bytes,
                                                           options_.max_header_bytes};
        const ParseStatus decoded = chunked_decoder_.Decode(input, limits, &pos_, &status, &error);
        if (decoded == ParseStatus::kIncomplete) return Result{};
        if (decoded == ParseStatus::kError) return Error(error);
        return Complete(input, 0, 0);
      }
      case State::kUntilClose:
        if (input.size() - header_start_ > options_.max_body_bytes) {
          return Error("body too large");
        }
        return Result{};
    }
  }
}

HttpResponseParser::Result HttpResponseParser::Finish(std::string_view input) {
  Result result = Parse(input);
  if (result.status != ParseStatus::kIncomplete) return result;
  if (state_ == State::kUntilClose) {
    const size_t body_begin = header_start_;
    pos_ = input.size();
    return Complete(input, body_begin, input.size() - body_begin);
  }
  if (input.empty()) return Result{};
  return Error("truncated response");
}

}  // namespace protocol
