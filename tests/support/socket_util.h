// Socket helpers for tests playing the peer: loopback connects, connected TCP pairs, and reads and
// writes that always give up at a deadline instead of hanging.
#ifndef TESTS_SUPPORT_SOCKET_UTIL_H_
#define TESTS_SUPPORT_SOCKET_UTIL_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace reactor_testing {

// Deterministic pseudo-random bytes: `Pattern(n, seed)` is a prefix of `Pattern(m, seed)`.
std::string Pattern(size_t n, uint32_t seed);

// A blocking TCP connection to 127.0.0.1:`port`, or -1 (errno set).
int ConnectLoopback(uint16_t port);
// A socket() to be connected later with ConnectFd (so it can be created before fds run out).
int NewTcpSocket();
bool ConnectFd(int fd, uint16_t port);

// A connected loopback TCP pair: `client` is blocking, `server` non-blocking (as accept4 would
// give a Connection). Both -1 on failure.
struct TcpPair {
  int client = -1;
  int server = -1;
};
TcpPair MakeTcpPair();

// Sends RST instead of FIN on close.
void SetLingerZero(int fd);
void SetBufferSizes(int fd, int sndbuf, int rcvbuf);  // <= 0: leave alone
void SetNonBlocking(int fd, bool on);

// Writes all of `data` within `timeout`. False on error or timeout.
bool WriteAll(int fd, std::string_view data, absl::Duration timeout);

// Sends from `data` until the peer stops taking bytes for `quiet` (its receive window and our send
// buffer are full) or everything is sent. Returns the bytes sent.
size_t WriteUntilBlocked(int fd, std::string_view data, absl::Duration quiet);

// Sends from `data` until `paused()` says the server stopped reading, then until the socket takes
// no more (with nobody reading, a full socket stays full, so a short quiet window is certain).
// Polls the condition rather than trusting a quiet window: a server slowed by a busy machine is
// not mistaken for a paused one. Gives up after `timeout`. Returns the bytes sent.
size_t WriteUntilPaused(int fd, std::string_view data, const std::function<bool()>& paused,
                        absl::Duration timeout = absl::Seconds(20));

// Waits until everything written to `fd` was acknowledged by the peer's kernel (SIOCOUTQ is 0).
bool WaitUntilSendQueueEmpty(int fd, absl::Duration timeout);

struct ReadResult {
  std::string data;
  bool eof = false;  // the peer closed (recv returned 0)
  int error = 0;     // errno of a failed recv (ECONNRESET), or ETIMEDOUT at the deadline
};
// Reads until `n` bytes, EOF, an error or the deadline.
ReadResult ReadExactly(int fd, size_t n, absl::Duration timeout);
// Reads until EOF, an error or the deadline.
ReadResult ReadToEof(int fd, absl::Duration timeout);

// Sends `data` while reading the echo concurrently, until as many bytes came back as were sent
// (or EOF, error, deadline). With `read_chunk` and `read_pause`, reads at most `read_chunk` bytes
// per call and sleeps `read_pause` after each: a slow reader.
ReadResult EchoExchange(int fd, std::string_view data, absl::Duration timeout,
                        size_t read_chunk = 256 * 1024,
                        absl::Duration read_pause = absl::ZeroDuration());

// Open file descriptors of process `pid` (0: this process), counted in /proc/PID/fd; -1 if
// unreadable.
int CountOpenFds(pid_t pid = 0);

}  // namespace reactor_testing

#endif  // TESTS_SUPPORT_SOCKET_UTIL_H_
