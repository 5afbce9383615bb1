// FdLimit: getrlimit/setrlimit arithmetic for the server's fd budget (see fd_limit.h).
#include "reactor/fd_limit.h"

#include <sys/resource.h>

#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reactor {

size_t ReservedFds(int loops) {
  constexpr size_t kStdio = 3;
  constexpr size_t kSignalFd = 1;
  constexpr size_t kPerLoop = 5;  // listener, epoll, eventfd, spare fd, a refusal in flight
  constexpr size_t kSpare = 32;
  return kStdio + kSignalFd + kPerLoop * static_cast<size_t>(loops) + kSpare;
}

absl::StatusOr<FdLimitPlan> ReconcileFdLimit(size_t max_connections, int loops) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) < 0) return absl::ErrnoToStatus(errno, "getrlimit");
  const size_t reserve = ReservedFds(loops);
  const rlim_t wanted = static_cast<rlim_t>(max_connections + reserve);
  FdLimitPlan plan;
  plan.max_connections = max_connections;
  plan.soft_limit = limit.rlim_cur;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return plan;

  const rlim_t target =
      limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= wanted ? wanted : limit.rlim_max;
  if (target > limit.rlim_cur) {
    rlimit raised = limit;
    raised.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &raised) < 0) return absl::ErrnoToStatus(errno, "setrlimit");
    plan.soft_limit = target;
  }
  if (plan.soft_limit >= wanted) return plan;
  if (plan.soft_limit <= reserve) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "RLIMIT_NOFILE is ", plan.soft_limit, " (hard limit ", limit.rlim_max,
        "): not one connection fits beside the ", reserve, " fds the server itself needs"));
  }
  plan.max_connections = plan.soft_limit - reserve;
  plan.warning =
      absl::StrCat("--max_connections lowered from ", max_connections, " to ", plan.max_connections,
                   ": RLIMIT_NOFILE's hard limit is ", limit.rlim_max, " and the server keeps ",
                   reserve, " fds for itself (raise it with ulimit -n)");
  return plan;
}

}  // namespace reactor
