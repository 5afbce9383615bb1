// FdLimit: reconciles the connections a server admits with the process's RLIMIT_NOFILE, so the
// excess is refused in the protocol's words instead of dropped for lack of fds.
#ifndef REACTOR_FD_LIMIT_H_
#define REACTOR_FD_LIMIT_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace reactor {

// Fds a server needs besides one per connection: stdin/stdout/stderr, the signalfd, per loop its
// listener, epoll, eventfd and spare fd (plus room for a refused connection being answered), and
// 32 spare for whatever else the process opens, as Redis reserves.
size_t ReservedFds(int loops);

struct FdLimitPlan {
  size_t max_connections = 0;  // what the server can honour
  size_t soft_limit = 0;       // RLIMIT_NOFILE's soft limit afterwards
  // Empty when max_connections was kept; else why it was lowered, for stderr.
  std::string warning;
};

// Raises the soft RLIMIT_NOFILE to `max_connections + ReservedFds(loops)` when it is lower. If
// the hard limit forbids that, raises it as far as allowed and lowers max_connections to fit (as
// Redis's adjustOpenFilesLimit does). An error if not even one connection fits.
absl::StatusOr<FdLimitPlan> ReconcileFdLimit(size_t max_connections, int loops);

}  // namespace reactor

#endif  // REACTOR_FD_LIMIT_H_
