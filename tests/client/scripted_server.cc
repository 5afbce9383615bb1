// ScriptedServer: a poll-driven accept loop and one thread per connection.
#include "tests/client/scripted_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace client_testing {
namespace {

constexpr int kPollSliceMillis = 20;  // how soon the accept loop notices it should stop

// Waits until `fd` is readable or `timeout` passes. False on timeout or a poll error.
bool WaitReadable(int fd, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const int64_t left_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (left_ms < 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int n = poll(&p, 1, static_cast<int>(std::min<int64_t>(left_ms, kPollSliceMillis)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ScriptedServer>> ScriptedServer::Start(Script script,
                                                                      const Options& options) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::ErrnoToStatus(errno, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd, 128) < 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    const int err = errno;
    close(fd);
    return absl::ErrnoToStatus(err, "bind/listen");
  }
  std::unique_ptr<ScriptedServer> server(
      new ScriptedServer(std::move(script), options, fd, ntohs(addr.sin_port)));
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

ScriptedServer::ScriptedServer(Script script, const Options& options, int listen_fd, uint16_t port)
    : script_(std::move(script)), options_(options), listen_fd_(listen_fd), port_(port) {}

ScriptedServer::~ScriptedServer() {
  stopping_.store(true);
  accept_thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mutex_);
    // Under the lock, so a script's fd is never closed (and its number reused) under us.
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

void ScriptedServer::AcceptLoop() {
  while (!stopping_.load()) {
    if (!WaitReadable(listen_fd_, absl::Milliseconds(kPollSliceMillis))) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) std::perror("accept4");
      continue;
    }
    const int index = accepted_.fetch_add(1);
    if (options_.max_accepts > 0 && index + 1 >= options_.max_accepts) {
      // Stop listening before the script runs: whatever it makes the client do next (reconnect
      // after a close) meets a closed port.
      close(listen_fd_);
      listen_fd_ = -1;
    }
    absl::MutexLock lock(&mutex_);
    if (static_cast<int>(threads_.size()) >= options_.max_threads) {
      close(fd);
    } else {
      open_fds_.insert(fd);
      threads_.emplace_back([this, fd, index] { RunConnection(fd, index); });
    }
    if (listen_fd_ < 0) return;
  }
}

void ScriptedServer::RunConnection(int fd, int index) {
  script_(fd, index);
  absl::MutexLock lock(&mutex_);
  open_fds_.erase(fd);
  close(fd);
}

bool ReadSome(int fd, std::string& buffer, absl::Duration timeout) {
  if (!WaitReadable(fd, timeout)) return false;
  char chunk[16 * 1024];
  while (true) {
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;  // EOF or an error
  }
}

bool ReadUntil(int fd, std::string& buffer, std::string_view delimiter, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (buffer.find(delimiter) == std::string::npos) {
    if (!ReadSome(fd, buffer, deadline - absl::Now())) return false;
  }
  return true;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace client_testing
