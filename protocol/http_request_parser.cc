// HttpRequestParser: incremental HTTP/1.x request framing (see http_request_parser.h).
#include "protocol/http_request_parser.h"

namespace protocol {
namespace {

using http_internal::LineContent;

// The version is exactly "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3).
bool ParseVersion(std::string_view text, int* major, int* minor) {
  if (text.size() != 8 || !text.starts_with("HTTP/") || text[6] != '.') return false;
  if (text[5] < '0' || text[5] > '9' || text[7] < '0' || text[7] > '9') return false;
  *major = text[5] - '0';
  *minor = text[7] - '0';
  return true;
}

// A request-target: visible ASCII or obs-text, no whitespace, no controls.
bool IsTargetChar(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u > 0x20 && u != 0x7f;
}

}  // namespace

std::string_view HttpMethodName(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kHead:
      return "HEAD";
    case HttpMethod::kPost:
      return "POST";
    case HttpMethod::kPut:
      return "PUT";
    case HttpMethod::kDelete:
      return "DELETE";
    case HttpMethod::kOptions:
      return "OPTIONS";
  }
  return "?";
}

void HttpRequestParser::Reset() {
  state_ = State::kRequestLine;
  pos_ = 0;
  lines_.Reset();
  header_start_ = 0;
  method_ = HttpMethod::kGet;
  target_begin_ = 0;
  target_length_ = 0;
  version_minor_ = 1;
  framing_ = {};
  host_count_ = 0;
  chunked_decoder_.Reset();
}

HttpRequestParser::Result HttpRequestParser::Error(int status, std::string_view message) {
  Reset();
  Result result;
  result.status = ParseStatus::kError;
  result.error_status = status;
  result.error = message;
  return result;
}

int HttpRequestParser::ParseRequestLine(std::string_view line, std::string_view* error) {
  const size_t first_space = line.find(' ');
  if (first_space == std::string_view::npos) {
    *error = "malformed request line";
    return 400;
  }
  const size_t second_space = line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos) {
    *error = "malformed request line";
    return 400;
  }
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  const std::string_view version = line.substr(second_space + 1);
  if (!http_internal::IsToken(method) || target.empty()) {
    *error = "malformed request line";
    return 400;
  }
  for (char c : target) {
    if (!IsTargetChar(c)) {
      *error = "malformed request target";
      return 400;
    }
  }
  int major = 0;
  int minor = 0;
  if (!ParseVersion(version, &major, &minor)) {
    *error = "malformed HTTP version";
    return 400;
  }
  if (major != 1) {
    *error = "unsupported HTTP version";
    return 505;
  }
  // Methods are case-sensitive (RFC 9110 9.1).
  if (method == "GET") {
    method_ = HttpMethod::kGet;
  } else if (method == "HEAD") {
    method_ = HttpMethod::kHead;
  } else if (method == "POST") {
    method_ = HttpMethod::kPost;
  } else if (method == "PUT") {
    method_ = HttpMethod::kPut;
  } else if (method == "DELETE") {
    method_ = HttpMethod::kDelete;
  } else if (method == "OPTIONS") {
    method_ = HttpMethod::kOptions;
  } else {
    *error = "unknown method";
    return 501;
  }
  target_begin_ = static_cast<size_t>(target.data() - line.data()) + pos_;
  target_length_ = target.size();
  version_minor_ = minor > 1 ? 1 : minor;
  return 0;
}

int HttpRequestParser::ApplyField(std::string_view name, std::string_view value,
                                  std::string_view* error) {
  if (http_internal::EqualsIgnoreCase(name, "host")) {
    ++host_count_;
    return 0;
  }
  return framing_.Apply(name, value, error);
}

int HttpRequestParser::FinishHeaders(std::string_view* error) {
  if (framing_.chunked && framing_.has_content_length) {
    *error = "both Content-Length and Transfer-Encoding";
    return 400;
  }
  if (framing_.chunked && version_minor_ == 0) {
    *error = "Transfer-Encoding in HTTP/1.0";
    return 400;
  }
  if (version_minor_ >= 1 && host_count_ != 1) {
    *error = host_count_ == 0 ? "missing Host" : "repeated Host";
    return 400;
  }
  if (host_count_ > 1) {
    *error = "repeated Host";
    return 400;
  }
  if (framing_.has_content_length && framing_.content_length > options_.max_body_bytes) {
    *error = "body too large";
    return 413;
  }
  return 0;
}

HttpRequestParser::Result HttpRequestParser::Parse(std::string_view input) {
  std::string_view error;
  for (;;) {
    switch (state_) {
      case State::kRequestLine: {
        // Empty lines before the request line share its budget, so they cannot go on forever.
        bool over = false;
        const size_t lf =
            lines_.Find(input, pos_, '\n', options_.max_request_line_bytes - pos_, &over);
        if (lf == std::string_view::npos) {
          return over ? Error(414, "request line too long") : Result{};
        }
        std::string_view line;
        if (!LineContent(input, pos_, lf, &line)) return Error(400, "bare CR in request line");
        if (line.empty()) {
          pos_ = lf + 1;
          if (pos_ >= options_.max_request_line_bytes) return Error(414, "request line too long");
          break;
        }
        const int status = ParseRequestLine(line, &error);
        if (status != 0) return Error(status, error);
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
        if (field.status == ParseStatus::kError) return Error(field.error_status, field.error);
        if (!field.end_of_section) {
          const int status = ApplyField(field.name, field.value, &error);
          if (status != 0) return Error(status, error);
          break;
        }
        const int status = FinishHeaders(&error);
        if (status != 0) return Error(status, error);
        if (framing_.chunked) {
          state_ = State::kChunked;
        } else if (framing_.content_length > 0) {
          state_ = State::kBody;
        } else {
          return Complete(input);
        }
        break;
      }
      case State::kBody:
        // O(1) however often a large body is shown again while it arrives.
        if (input.size() - pos_ < framing_.content_length) return Result{};
        pos_ += framing_.content_length;
        return Complete(input);
      case State::kChunked: {
        int status = 0;
        const http_internal::ChunkedDecoder::Limits limits{options_.max_body_bytes,
                                                           options_.max_header_bytes};
        const ParseStatus decoded = chunked_decoder_.Decode(input, limits, &pos_, &status, &error);
        if (decoded == ParseStatus::kIncomplete) return Result{};
        if (decoded == ParseStatus::kError) return Error(status, error);
        return Complete(input);
      }
    }
  }
}

HttpRequestParser::Result HttpRequestParser::Complete(std::string_view input) {
  Result result;
  result.status = ParseStatus::kComplete;
  result.consumed = pos_;
  result.method = method_;
  result.target = input.substr(target_begin_, target_length_);
  result.version_minor = version_minor_;
  result.keep_alive = framing_.KeepAlive(version_minor_);
  result.chunked = framing_.chunked;
  result.body_bytes = framing_.chunked ? chunked_decoder_.body_bytes() : framing_.content_length;
  Reset();
  return result;
}

}  // namespace protocol
