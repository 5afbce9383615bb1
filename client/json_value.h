// JsonValue: a small JSON document model and parser, enough to read back the client's own
// --json output for `client merge`. Numbers keep their text so 64-bit counts come back exactly.
#ifndef CLIENT_JSON_VALUE_H_
#define CLIENT_JSON_VALUE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"

namespace client {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  static absl::StatusOr<JsonValue> Parse(std::string_view text);

  Type type() const { return type_; }
  bool is_object() const { return type_ == Type::kObject; }
  bool is_array() const { return type_ == Type::kArray; }
  // Members of an object; a missing key gives a null value.
  const JsonValue& operator[](const std::string& key) const;
  const std::map<std::string, JsonValue>& members() const { return object_; }
  const std::vector<JsonValue>& elements() const { return array_; }
  const std::string& string_value() const { return text_; }
  bool bool_value() const { return bool_; }
  // Numbers: exact for integers that fit; 0 for anything else.
  uint64_t AsUint64() const;
  int64_t AsInt64() const;
  double AsDouble() const;
  absl::uint128 AsUint128() const;

 private:
  friend class JsonParser;
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;  // string value, or a number's text
  std::vector<JsonValue> array_;
  std::map<std::string, JsonValue> object_;
};

// Appends `s` as a quoted JSON string.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace client

#endif  // CLIENT_JSON_VALUE_H_
