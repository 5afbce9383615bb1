// JsonValue: a recursive-descent parser with a depth limit.
#include "client/json_value.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace client {

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  absl::StatusOr<JsonValue> ParseDocument() {
    JsonValue value;
    if (absl::Status s = ParseValue(value, 0); !s.ok()) return s;
    SkipSpace();
    if (pos_ != text_.size()) return Error("trailing characters");
    return value;
  }

 private:
  static constexpr int kMaxDepth = 64;

  absl::Status Error(std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON: ", absl::string_view(what.data(), what.size()), " at offset ", pos_));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Consume(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status ParseValue(JsonValue& out, int depth) {
    if (depth > kMaxDepth) return Error("nested too deeply");
    SkipSpace();
    if (pos_ >= text_.size()) return Error("unexpected end");
    const char c = text_[pos_];
    if (c == '{') return ParseObject(out, depth);
    if (c == '[') return ParseArray(out, depth);
    if (c == '"') {
      out.type_ = JsonValue::Type::kString;
      return ParseString(out.text_);
    }
    if (Consume("true") || Consume("false")) {
      out.type_ = JsonValue::Type::kBool;
      out.bool_ = text_[pos_ - 1] == 'e' && text_[pos_ - 2] == 'u';
      return absl::OkStatus();
    }
    if (Consume("null")) return absl::OkStatus();
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
            text_[pos_] == '+' || text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
    }
    if (pos_ == start) return Error("unexpected character");
    out.type_ = JsonValue::Type::kNumber;
    out.text_ = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::Status ParseString(std::string& out) {
    ++pos_;  // the opening quote
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return absl::OkStatus();
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'u': {
          if (pos_ + 4 > text_.size()) return Error("bad \\u escape");
          const unsigned code =
              std::strtoul(std::string(text_.substr(pos_, 4)).c_str(), nullptr, 16);
          pos_ += 4;
          // Only what AppendJsonString writes: control characters, below 0x80.
          out.push_back(static_cast<char>(code < 0x80 ? code : '?'));
          break;
        }
        default:
          out.push_back(e);
          break;
      }
    }
    return Error("unterminated string");
  }

  absl::Status ParseArray(JsonValue& out, int depth) {
    out.type_ = JsonValue::Type::kArray;
    ++pos_;
    SkipSpace();
    if (Consume("]")) return absl::OkStatus();
    while (true) {
      JsonValue element;
      if (absl::Status s = ParseValue(element, depth + 1); !s.ok()) return s;
      out.array_.push_back(std::move(element));
      SkipSpace();
      if (Consume(",")) continue;
      if (Consume("]")) return absl::OkStatus();
      return Error("expected , or ]");
    }
  }

  absl::Status ParseObject(JsonValue& out, int depth) {
    out.type_ = JsonValue::Type::kObject;
    ++pos_;
    SkipSpace();
    if (Consume("}")) return absl::OkStatus();
    while (true) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error("expected a key");
      std::string key;
      if (absl::Status s = ParseString(key); !s.ok()) return s;
      SkipSpace();
      if (!Consume(":")) return Error("expected :");
      JsonValue value;
      if (absl::Status s = ParseValue(value, depth + 1); !s.ok()) return s;
      out.object_[key] = std::move(value);
      SkipSpace();
      if (Consume(",")) continue;
      if (Consume("}")) return absl::OkStatus();
      return Error("expected , or }");
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

absl::StatusOr<JsonValue> JsonValue::Parse(std::string_view text) {
  return JsonParser(text).ParseDocument();
}

const JsonValue& JsonValue::operator[](const std::string& key) const {
  static const JsonValue* const kNull = new JsonValue();
  auto it = object_.find(key);
  return it == object_.end() ? *kNull : it->second;
}

uint64_t JsonValue::AsUint64() const {
  uint64_t v = 0;
  return type_ == Type::kNumber && absl::SimpleAtoi(text_, &v) ? v : 0;
}

int64_t JsonValue::AsInt64() const {
  int64_t v = 0;
  return type_ == Type::kNumber && absl::SimpleAtoi(text_, &v) ? v : 0;
}

double JsonValue::AsDouble() const {
  double v = 0;
  return type_ == Type::kNumber && absl::SimpleAtod(text_, &v) ? v : 0;
}

absl::uint128 JsonValue::AsUint128() const {
  absl::uint128 v = 0;
  return type_ == Type::kNumber && absl::SimpleAtoi(text_, &v) ? v : 0;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(out, "\\u%04x", static_cast<unsigned char>(c));
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace client
