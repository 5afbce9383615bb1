// RunLoad: a whole load run in-process: the fd limit, one LoadGenerator thread per --threads, the
// exact merge of their results into a RunReport. The binary and the tests both call it.
#ifndef CLIENT_LOAD_RUN_H_
#define CLIENT_LOAD_RUN_H_

#include <atomic>
#include <cstdio>

#include "absl/status/statusor.h"
#include "client/client_options.h"
#include "client/run_report.h"

namespace client {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the limit in force (0 on error).
uint64_t RaiseFdLimit();

// Runs `options` to completion. `stop` (may be null) ends the run early when set, from any thread;
// the run still reports everything. Progress lines go to `progress` (null: none). An error means
// the run could not be set up at all (e.g. epoll could not be created).
absl::StatusOr<RunReport> RunLoad(const ClientOptions& options, const std::atomic<bool>* stop,
                                  std::FILE* progress);

}  // namespace client

#endif  // CLIENT_LOAD_RUN_H_
