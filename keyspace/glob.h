// GlobMatch: Redis's stringmatchlen, the pattern language of KEYS and CONFIG GET.
#ifndef KEYSPACE_GLOB_H_
#define KEYSPACE_GLOB_H_

#include <string_view>

namespace keyspace {

// '*' any run, '?' any byte, '[abc]' '[^a-z]' classes, '\x' a literal x. `nocase` folds ASCII
// case (CONFIG GET); KEYS matches bytes exactly.
bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase);

}  // namespace keyspace

#endif  // KEYSPACE_GLOB_H_
