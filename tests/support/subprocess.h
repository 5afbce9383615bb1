// Subprocess: a child process started with posix_spawn, with its stdout and stderr captured
// through pipes, and every wait bounded by a deadline. Plus runfiles lookup for binaries.
#ifndef TESTS_SUPPORT_SUBPROCESS_H_
#define TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace reactor_testing {

// The path of a runfile given its workspace-relative path ("server/server"), found through
// TEST_SRCDIR/TEST_WORKSPACE, or the path itself when not under `bazel test`.
std::string RunfilePath(const std::string& workspace_relative);

class Subprocess {
 public:
  // Starts `path` with `args` (not including argv[0]) and the current environment with `env`
  // ("NAME=value") added or overriding. Null on failure (the reason is printed to stderr).
  static std::unique_ptr<Subprocess> Start(const std::string& path,
                                           const std::vector<std::string>& args,
                                           const std::vector<std::string>& env = {});
  // Kills (SIGKILL) and reaps the child if it is still running.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // The next complete line of stdout (without '\n'), or nullopt at EOF or the deadline.
  std::optional<std::string> ReadStdoutLine(absl::Duration timeout);
  bool Signal(int sig);
  // Waits until the child's stderr contains `text`; false at the deadline or once stderr closed.
  bool WaitForStderr(std::string_view text, absl::Duration timeout);
  // Waits for exit, collecting output meanwhile. The raw wait status, or nullopt at the deadline.
  std::optional<int> Wait(absl::Duration timeout);

  // Everything captured so far (after Wait: everything).
  const std::string& stdout_text() const { return stdout_; }
  const std::string& stderr_text() const { return stderr_; }

 private:
  Subprocess(pid_t pid, int stdout_fd, int stderr_fd);
  // Moves available pipe bytes into the strings, waiting at most `timeout_ms` for some.
  void Pump(int timeout_ms);

  pid_t pid_;
  int stdout_fd_;
  int stderr_fd_;
  std::string stdout_;
  std::string stderr_;
  size_t stdout_consumed_ = 0;  // bytes of stdout_ already returned by ReadStdoutLine
  std::optional<int> exit_status_;
};

}  // namespace reactor_testing

#endif  // TESTS_SUPPORT_SUBPROCESS_H_
