// Socket helpers for tests: poll()-based reads and writes against a deadline.
#include "tests/support/socket_util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "absl/time/clock.h"

namespace reactor_testing {
namespace {

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// Milliseconds left until `deadline`, for poll(); at least 0.
int RemainingMs(absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 60'000));
}

// Waits for `events` on `fd`; false at the deadline.
bool WaitFor(int fd, short events, absl::Time deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int n = poll(&p, 1, RemainingMs(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

// Restores a socket's blocking mode when it goes out of scope.
class NonBlockingScope {
 public:
  explicit NonBlockingScope(int fd) : fd_(fd), flags_(fcntl(fd, F_GETFL)) {
    fcntl(fd_, F_SETFL, flags_ | O_NONBLOCK);
  }
  ~NonBlockingScope() { fcntl(fd_, F_SETFL, flags_); }

 private:
  const int fd_;
  const int flags_;
};

// One read into `out`; returns false when reading is over (EOF or error recorded in `result`).
bool ReadSome(int fd, size_t max, ReadResult& result) {
  char buf[64 * 1024];
  const ssize_t n = recv(fd, buf, std::min(max, sizeof buf), 0);
  if (n > 0) {
    result.data.append(buf, static_cast<size_t>(n));
    return true;
  }
  if (n == 0) {
    result.eof = true;
    return false;
  }
  if (errno == EAGAIN || errno == EINTR) return true;
  result.error = errno;
  return false;
}

}  // namespace

std::string Pattern(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint64_t x = 0x9E3779B97F4A7C15ull ^ seed;
  for (size_t i = 0; i < n; ++i) {
    // xorshift64: cheap, and no two nearby offsets repeat, so a shifted or dropped byte shows.
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x);
  }
  return out;
}

int NewTcpSocket() { return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); }

bool ConnectFd(int fd, uint16_t port) {
  const sockaddr_in addr = Loopback(port);
  return connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

int ConnectLoopback(uint16_t port) {
  const int fd = NewTcpSocket();
  if (fd < 0) return -1;
  if (!ConnectFd(fd, port)) {
    const int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

TcpPair MakeTcpPair() {
  TcpPair pair;
  const int listener = NewTcpSocket();
  if (listener < 0) return pair;
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      listen(listener, 1) == 0 &&
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    pair.client = ConnectLoopback(ntohs(addr.sin_port));
    if (pair.client >= 0) {
      pair.server = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (pair.server < 0) {
        close(pair.client);
        pair.client = -1;
      }
    }
  }
  close(listener);
  return pair;
}

void SetLingerZero(int fd) {
  const linger lin{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
}

void SetBufferSizes(int fd, int sndbuf, int rcvbuf) {
  if (sndbuf > 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
}

void SetNonBlocking(int fd, bool on) {
  const int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK));
}

bool WriteAll(int fd, std::string_view data, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  NonBlockingScope nonblocking(fd);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return false;
    if (!WaitFor(fd, POLLOUT, deadline)) return false;
  }
  return true;
}

size_t WriteUntilBlocked(int fd, std::string_view data, absl::Duration quiet) {
  NonBlockingScope nonblocking(fd);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) break;
    if (!WaitFor(fd, POLLOUT, absl::Now() + quiet)) break;
  }
  return done;
}

size_t WriteUntilPaused(int fd, std::string_view data, const std::function<bool()>& paused,
                        absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  size_t sent = 0;
  while (sent < data.size() && absl::Now() < deadline) {
    sent += WriteUntilBlocked(fd, data.substr(sent), absl::Milliseconds(20));
    if (paused()) return sent + WriteUntilBlocked(fd, data.substr(sent), absl::Milliseconds(50));
  }
  return sent;
}

bool WaitUntilSendQueueEmpty(int fd, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int queued = 0;
    if (ioctl(fd, SIOCOUTQ, &queued) < 0) return false;
    if (queued == 0) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(1));
  }
}

ReadResult ReadExactly(int fd, size_t n, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  NonBlockingScope nonblocking(fd);
  ReadResult result;
  while (result.data.size() < n) {
    if (!WaitFor(fd, POLLIN, deadline)) {
      result.error = ETIMEDOUT;
      break;
    }
    if (!ReadSome(fd, n - result.data.size(), result)) break;
  }
  return result;
}

ReadResult ReadToEof(int fd, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  NonBlockingScope nonblocking(fd);
  ReadResult result;
  while (true) {
    if (!WaitFor(fd, POLLIN, deadline)) {
      result.error = ETIMEDOUT;
      break;
    }
    if (!ReadSome(fd, 64 * 1024, result)) break;
  }
  return result;
}

ReadResult EchoExchange(int fd, std::string_view data, absl::Duration timeout, size_t read_chunk,
                        absl::Duration read_pause) {
  const absl::Time deadline = absl::Now() + timeout;
  NonBlockingScope nonblocking(fd);
  ReadResult result;
  result.data.reserve(data.size());
  size_t sent = 0;
  while (result.data.size() < data.size()) {
    pollfd p{fd, static_cast<short>(POLLIN | (sent < data.size() ? POLLOUT : 0)), 0};
    const int ready = poll(&p, 1, RemainingMs(deadline));
    if (ready == 0) {
      result.error = ETIMEDOUT;
      break;
    }
    if (ready < 0) {
      if (errno == EINTR) continue;
      result.error = errno;
      break;
    }
    if ((p.revents & POLLOUT) && sent < data.size()) {
      const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) {
        result.error = errno;
        break;
      }
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!ReadSome(fd, read_chunk, result)) break;
      if (read_pause > absl::ZeroDuration()) absl::SleepFor(read_pause);
    }
  }
  return result;
}

int CountOpenFds(pid_t pid) {
  const std::string path =
      pid == 0 ? std::string("/proc/self/fd") : "/proc/" + std::to_string(pid) + "/fd";
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return -1;
  int count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return pid == 0 ? count - 1 : count;  // minus the directory's own fd
}

}  // namespace reactor_testing
