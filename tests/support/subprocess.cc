// Subprocess: posix_spawn with piped stdout/stderr, poll()-driven capture, bounded waits.
#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/time/clock.h"

extern char** environ;

namespace reactor_testing {

std::string RunfilePath(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) return workspace_relative;
  return std::string(srcdir) + "/" + workspace + "/" + workspace_relative;
}

std::unique_ptr<Subprocess> Subprocess::Start(const std::string& path,
                                              const std::vector<std::string>& args,
                                              const std::vector<std::string>& env) {
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) < 0) return nullptr;
  if (pipe2(err, O_CLOEXEC) < 0) {
    close(out[0]);
    close(out[1]);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);

  // The child starts with default signal dispositions and an empty mask, whatever the test did.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all;
  sigset_t none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> argv_strings = {path};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  // The current environment, minus the variables `env` sets (getenv would find the first).
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const std::string& extra : env) {
      if (extra.compare(0, extra.find('='), name) == 0) overridden = true;
    }
    if (!overridden) env_strings.push_back(entry);
  }
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int rc = posix_spawn(&pid, path.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    std::fprintf(stderr, "Subprocess: posix_spawn %s: %s\n", path.c_str(), std::strerror(rc));
    close(out[0]);
    close(err[0]);
    return nullptr;
  }
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  return std::unique_ptr<Subprocess>(new Subprocess(pid, out[0], err[0]));
}

Subprocess::Subprocess(pid_t pid, int stdout_fd, int stderr_fd)
    : pid_(pid), stdout_fd_(stdout_fd), stderr_fd_(stderr_fd) {}

Subprocess::~Subprocess() {
  if (!exit_status_.has_value()) {
    kill(pid_, SIGKILL);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

void Subprocess::Pump(int timeout_ms) {
  pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
  if (stdout_fd_ < 0 && stderr_fd_ < 0) {
    if (timeout_ms > 0) usleep(static_cast<useconds_t>(timeout_ms) * 1000);
    return;
  }
  if (poll(fds, 2, timeout_ms) <= 0) return;
  int* fd_of[2] = {&stdout_fd_, &stderr_fd_};
  std::string* text_of[2] = {&stdout_, &stderr_};
  for (int i = 0; i < 2; ++i) {
    if (*fd_of[i] < 0 || fds[i].revents == 0) continue;
    char buf[16 * 1024];
    // Bounded: a child writing endlessly cannot keep us here.
    for (int round = 0; round < 64; ++round) {
      const ssize_t n = read(*fd_of[i], buf, sizeof buf);
      if (n > 0) {
        text_of[i]->append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) {  // the child closed it
        close(*fd_of[i]);
        *fd_of[i] = -1;
      }
      break;
    }
  }
}

std::optional<std::string> Subprocess::ReadStdoutLine(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const size_t newline = stdout_.find('\n', stdout_consumed_);
    if (newline != std::string::npos) {
      std::string line = stdout_.substr(stdout_consumed_, newline - stdout_consumed_);
      stdout_consumed_ = newline + 1;
      return line;
    }
    const absl::Time now = absl::Now();
    if (now >= deadline || stdout_fd_ < 0) return std::nullopt;
    Pump(static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(deadline - now) + 1, 100)));
  }
}

bool Subprocess::WaitForStderr(std::string_view text, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (stderr_.find(text) == std::string::npos) {
    const absl::Time now = absl::Now();
    if (now >= deadline || stderr_fd_ < 0) return false;
    Pump(static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(deadline - now) + 1, 100)));
  }
  return true;
}

bool Subprocess::Signal(int sig) { return !exit_status_.has_value() && kill(pid_, sig) == 0; }

std::optional<int> Subprocess::Wait(absl::Duration timeout) {
  if (exit_status_.has_value()) return exit_status_;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = status;
      // Collect what is left in the pipes; the writers are gone, so this ends at EOF.
      for (int i = 0; i < 1000 && (stdout_fd_ >= 0 || stderr_fd_ >= 0); ++i) Pump(10);
      return exit_status_;
    }
    if (absl::Now() >= deadline) return std::nullopt;
    Pump(5);
  }
}

}  // namespace reactor_testing
