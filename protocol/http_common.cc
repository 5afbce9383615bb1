// HTTP/1.x syntax helpers shared by the HTTP parsers (see http_common.h).
#include "protocol/http_common.h"

#include <algorithm>
#include <optional>

namespace protocol::http_internal {
namespace {

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && IsOws(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsOws(text.back())) text.remove_suffix(1);
  return text;
}

// field-vchar / SP / HTAB, obs-text included: what a field value may hold.
bool IsFieldValueChar(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7f);
}

// Longest chunk-size line (size, extensions and CRLF); longer ones are refused as malformed.
constexpr size_t kMaxChunkSizeLine = 4096;

// tchar from RFC 9110 5.6.2.
bool IsTokenChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

// Splits a field line into name and value, optional whitespace trimmed; false for a malformed one.
bool ParseFieldLine(std::string_view line, std::string_view* name, std::string_view* value) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  // IsToken also refuses a leading space (obs-fold) and whitespace before the colon.
  *name = line.substr(0, colon);
  if (!IsToken(*name)) return false;
  *value = TrimOws(line.substr(colon + 1));
  for (char c : *value) {
    if (!IsFieldValueChar(c)) return false;
  }
  return true;
}

// Content-Length: 1*DIGIT, at most 18 digits (larger is treated as malformed). nullopt otherwise:
// a sign, a list ("5, 5"), an empty value.
std::optional<uint64_t> ParseContentLength(std::string_view value) {
  if (value.empty() || value.size() > 18) return std::nullopt;
  uint64_t length = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    length = length * 10 + static_cast<uint64_t>(c - '0');
  }
  return length;
}

enum class TransferCoding {
  kChunked,      // exactly "chunked"
  kUnsupported,  // ends in chunked but names other codings too: 501
  kMalformed,    // chunked is not the final coding, so the length is unknowable: 400
};

TransferCoding ClassifyTransferEncoding(std::string_view value) {
  if (EqualsIgnoreCase(value, "chunked")) return TransferCoding::kChunked;
  const size_t comma = value.rfind(',');
  if (comma != std::string_view::npos &&
      EqualsIgnoreCase(TrimOws(value.substr(comma + 1)), "chunked")) {
    return TransferCoding::kUnsupported;
  }
  return TransferCoding::kMalformed;
}

// Notes the "close" and "keep-alive" tokens of a Connection header's comma-separated list.
void ScanConnectionHeader(std::string_view value, Framing* framing) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view token = TrimOws(value.substr(0, comma));
    if (EqualsIgnoreCase(token, "close")) framing->connection_close = true;
    if (EqualsIgnoreCase(token, "keep-alive")) framing->connection_keep_alive = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool LineContent(std::string_view input, size_t line_start, size_t lf, std::string_view* content) {
  std::string_view line = input.substr(line_start, lf - line_start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find('\r') != std::string_view::npos) return false;
  *content = line;
  return true;
}

FieldLine ReadFieldLine(std::string_view input, size_t section_start, size_t max_section_bytes,
                        Section section, LineScanner* lines, size_t* pos) {
  const bool header = section == Section::kHeader;
  FieldLine field;
  auto fail = [&](int status, std::string_view message) {
    field.status = ParseStatus::kError;
    field.error_status = status;
    field.error = message;
    return field;
  };
  bool over = false;
  const size_t budget = max_section_bytes - (*pos - section_start);
  const size_t lf = lines->Find(input, *pos, '\n', budget, &over);
  if (lf == std::string_view::npos) {
    if (!over) return field;
    return fail(431, header ? "header section too large" : "trailer section too large");
  }
  std::string_view line;
  if (!LineContent(input, *pos, lf, &line)) {
    return fail(400, header ? "bare CR in header" : "bare CR in trailer");
  }
  if (line.empty()) {
    field.end_of_section = true;
  } else if (!ParseFieldLine(line, &field.name, &field.value)) {
    return fail(400, header ? "malformed header field" : "malformed trailer field");
  }
  *pos = lf + 1;
  field.status = ParseStatus::kComplete;
  return field;
}

int Framing::Apply(std::string_view name, std::string_view value, std::string_view* error) {
  if (EqualsIgnoreCase(name, "content-length")) {
    const std::optional<uint64_t> length = ParseContentLength(value);
    if (!length.has_value()) {
      *error = "malformed Content-Length";
      return 400;
    }
    if (has_content_length && *length != content_length) {
      *error = "conflicting Content-Length";
      return 400;
    }
    has_content_length = true;
    content_length = *length;
  } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
    // A Transfer-Encoding that is not chunked never gets past here, so chunked means "seen".
    if (chunked) {
      *error = "repeated Transfer-Encoding";
      return 400;
    }
    switch (ClassifyTransferEncoding(value)) {
      case TransferCoding::kChunked:
        chunked = true;
        break;
      case TransferCoding::kUnsupported:
        *error = "unsupported transfer coding";
        return 501;
      case TransferCoding::kMalformed:
        *error = "chunked is not the final transfer coding";
        return 400;
    }
  } else if (EqualsIgnoreCase(name, "connection")) {
    ScanConnectionHeader(value, this);
  }
  return 0;
}

ParseStatus ChunkedDecoder::Decode(std::string_view input, const Limits& limits, size_t* pos,
                                   int* error_status, std::string_view* error) {
  auto fail = [&](int status, std::string_view message) {
    *error_status = status;
    *error = message;
    return ParseStatus::kError;
  };
  for (;;) {
    switch (state_) {
      case State::kSize: {
        bool over = false;
        const size_t lf = lines_.Find(input, *pos, '\n', kMaxChunkSizeLine, &over);
        if (lf == std::string_view::npos) {
          return over ? fail(400, "chunk-size line too long") : ParseStatus::kIncomplete;
        }
        std::string_view line;
        if (!LineContent(input, *pos, lf, &line)) return fail(400, "bare CR in chunk-size line");
        uint64_t size = 0;
        size_t i = 0;
        for (; i < line.size(); ++i) {
          const int digit = HexDigitValue(line[i]);
          if (digit < 0) break;
          if (size > (UINT64_MAX >> 4)) return fail(400, "chunk-size overflow");
          size = (size << 4) | static_cast<uint64_t>(digit);
        }
        if (i == 0) return fail(400, "malformed chunk-size");
        // What may follow the size: optional whitespace, then chunk extensions, ignored.
        std::string_view rest = line.substr(i);
        while (!rest.empty() && IsOws(rest.front())) rest.remove_prefix(1);
        if (!rest.empty() && rest.front() != ';') return fail(400, "malformed chunk-size");
        for (char c : rest) {
          if (!IsFieldValueChar(c)) return fail(400, "control character in chunk extension");
        }
        if (size > limits.max_body_bytes - body_bytes_) return fail(413, "chunked body too large");
        *pos = lf + 1;
        if (size == 0) {
          state_ = State::kTrailer;
          trailer_start_ = *pos;
        } else {
          chunk_left_ = size;
          state_ = State::kData;
        }
        break;
      }
      case State::kData: {
        // Data is counted as it arrives, so a large chunk is never looked at twice.
        const uint64_t available = input.size() - *pos;
        const uint64_t take = std::min(available, chunk_left_);
        *pos += take;
        chunk_left_ -= take;
        body_bytes_ += take;
        if (chunk_left_ > 0) return ParseStatus::kIncomplete;
        state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd: {
        if (*pos >= input.size()) return ParseStatus::kIncomplete;
        if (input[*pos] == '\n') {
          *pos += 1;
        } else if (input[*pos] == '\r') {
          if (*pos + 1 >= input.size()) return ParseStatus::kIncomplete;
          if (input[*pos + 1] != '\n') return fail(400, "chunk data not followed by CRLF");
          *pos += 2;
        } else {
          return fail(400, "chunk data not followed by CRLF");
        }
        state_ = State::kSize;
        break;
      }
      case State::kTrailer: {
        const FieldLine field = ReadFieldLine(input, trailer_start_, limits.max_trailer_bytes,
                                              Section::kTrailer, &lines_, pos);
        if (field.status == ParseStatus::kError) return fail(field.error_status, field.error);
        if (field.status == ParseStatus::kIncomplete) return ParseStatus::kIncomplete;
        if (field.end_of_section) return ParseStatus::kComplete;
        break;
      }
    }
  }
}

}  // namespace protocol::http_internal
