// BytesHash and BytesEq: hash-container functors over std::string keys that also take a
// std::string_view, so a lookup by a request's argument copies nothing. (Debian's abseil has its
// own string_view type, so its default StringHash does not accept std::string_view.)
#ifndef KEYSPACE_BYTES_HASH_H_
#define KEYSPACE_BYTES_HASH_H_

#include <cstddef>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace keyspace {

struct BytesHash {
  using is_transparent = void;
  size_t operator()(std::string_view bytes) const {
    return absl::Hash<absl::string_view>()(absl::string_view(bytes.data(), bytes.size()));
  }
};

struct BytesEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

template <typename V>
using BytesMap = absl::flat_hash_map<std::string, V, BytesHash, BytesEq>;
using BytesSet = absl::flat_hash_set<std::string, BytesHash, BytesEq>;

}  // namespace keyspace

#endif  // KEYSPACE_BYTES_HASH_H_
