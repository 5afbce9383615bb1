// Interposers for send(), recv() and accept4() that clamp, inject EINTR and count by errno; see
// fault_injection.h. The real functions are found with dlsym(RTLD_NEXT).
#include "tests/support/fault_injection.h"

#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace reactor_testing {
namespace {

struct AtomicCounts {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> short_transfers{0};
  std::atomic<uint64_t> clamped{0};
  std::atomic<uint64_t> eof{0};
  std::atomic<uint64_t> eagain{0};
  std::atomic<uint64_t> eintr{0};
  std::atomic<uint64_t> injected{0};
  std::atomic<uint64_t> epipe{0};
  std::atomic<uint64_t> econnreset{0};
  std::atomic<uint64_t> emfile{0};
  std::atomic<uint64_t> other_errors{0};

  IoCounts Snapshot() const {
    IoCounts c;
    c.calls = calls.load();
    c.short_transfers = short_transfers.load();
    c.clamped = clamped.load();
    c.eof = eof.load();
    c.eagain = eagain.load();
    c.eintr = eintr.load();
    c.injected = injected.load();
    c.epipe = epipe.load();
    c.econnreset = econnreset.load();
    c.emfile = emfile.load();
    c.other_errors = other_errors.load();
    return c;
  }
  void Reset() {
    for (auto* c : {&calls, &short_transfers, &clamped, &eof, &eagain, &eintr, &injected, &epipe,
                    &econnreset, &emfile, &other_errors}) {
      c->store(0);
    }
  }
  void CountError(int err) {
    switch (err) {
      case EAGAIN:
        ++eagain;
        break;
      case EINTR:
        ++eintr;
        break;
      case EPIPE:
        ++epipe;
        break;
      case ECONNRESET:
        ++econnreset;
        break;
      case EMFILE:
        ++emfile;
        break;
      default:
        ++other_errors;
    }
  }
};

AtomicCounts send_counts;
AtomicCounts recv_counts;
AtomicCounts accept4_counts;
std::atomic<size_t> send_clamp{0};
// A pending injection: how many calls still fail, and with which errno.
struct Injection {
  std::atomic<int> remaining{0};
  std::atomic<int> err{0};
};
Injection send_injection;
Injection recv_injection;
Injection accept4_injection;
thread_local bool thread_enabled = false;

// Set when loaded with LD_PRELOAD: then every thread is subject to the faults.
bool AllThreadsEnabled() {
  static const bool enabled = [] {
    const char* clamp = std::getenv("REACTOR_FAULT_SEND_MAX");
    if (clamp == nullptr) return false;
    send_clamp.store(static_cast<size_t>(std::strtoull(clamp, nullptr, 10)));
    return true;
  }();
  return enabled;
}

bool Enabled() { return thread_enabled || AllThreadsEnabled(); }

// Under LD_PRELOAD, tells the test what happened inside the process, on stderr at exit.
__attribute__((destructor)) void ReportAtExit() {
  if (!AllThreadsEnabled()) return;
  const IoCounts s = send_counts.Snapshot();
  std::fprintf(stderr,
               "fault_injection: send calls=%llu clamped=%llu short=%llu eagain=%llu "
               "epipe=%llu econnreset=%llu\n",
               static_cast<unsigned long long>(s.calls), static_cast<unsigned long long>(s.clamped),
               static_cast<unsigned long long>(s.short_transfers),
               static_cast<unsigned long long>(s.eagain), static_cast<unsigned long long>(s.epipe),
               static_cast<unsigned long long>(s.econnreset));
}

// Takes one pending injection, if any: sets errno, counts it and returns true.
bool TakeInjection(Injection& injection, AtomicCounts& counts) {
  int n = injection.remaining.load();
  while (n > 0) {
    if (injection.remaining.compare_exchange_weak(n, n - 1)) {
      const int err = injection.err.load();
      ++counts.injected;
      counts.CountError(err);
      errno = err;
      return true;
    }
  }
  return false;
}

template <typename Fn>
Fn Real(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

using SendFn = ssize_t (*)(int, const void*, size_t, int);
using RecvFn = ssize_t (*)(int, void*, size_t, int);
using Accept4Fn = int (*)(int, sockaddr*, socklen_t*, int);

ssize_t CountedRecv(int fd, void* buf, size_t len, int flags, RecvFn real) {
  if (!Enabled()) return real(fd, buf, len, flags);
  ++recv_counts.calls;
  if (TakeInjection(recv_injection, recv_counts)) return -1;
  const ssize_t n = real(fd, buf, len, flags);
  if (n == 0) ++recv_counts.eof;
  if (n < 0) recv_counts.CountError(errno);
  return n;
}

}  // namespace

void EnableFaultsOnThisThread() { thread_enabled = true; }
void DisableFaultsOnThisThread() { thread_enabled = false; }
void SetSendClamp(size_t max_bytes) { send_clamp.store(max_bytes); }
void InjectSendError(int err, int n) {
  send_injection.err.store(err);
  send_injection.remaining.store(n);
}
void InjectRecvError(int err, int n) {
  recv_injection.err.store(err);
  recv_injection.remaining.store(n);
}
void InjectAccept4Error(int err, int n) {
  accept4_injection.err.store(err);
  accept4_injection.remaining.store(n);
}
IoCounts SendCounts() { return send_counts.Snapshot(); }
IoCounts RecvCounts() { return recv_counts.Snapshot(); }
IoCounts Accept4Counts() { return accept4_counts.Snapshot(); }

void ResetFaults() {
  send_counts.Reset();
  recv_counts.Reset();
  accept4_counts.Reset();
  send_clamp.store(0);
  send_injection.remaining.store(0);
  recv_injection.remaining.store(0);
  accept4_injection.remaining.store(0);
}

}  // namespace reactor_testing

using reactor_testing::Accept4Fn;
using reactor_testing::RecvFn;
using reactor_testing::SendFn;

extern "C" {

ssize_t send(int fd, const void* buf, size_t len, int flags) {
  using namespace reactor_testing;
  static const SendFn real = Real<SendFn>("send");
  if (!Enabled()) return real(fd, buf, len, flags);
  ++send_counts.calls;
  if (TakeInjection(send_injection, send_counts)) return -1;
  size_t asked = len;
  const size_t clamp = send_clamp.load();
  if (clamp > 0 && asked > clamp) {
    asked = clamp;
    ++send_counts.clamped;
  }
  const ssize_t n = real(fd, buf, asked, flags);
  if (n >= 0 && static_cast<size_t>(n) < len) ++send_counts.short_transfers;
  if (n < 0) send_counts.CountError(errno);
  return n;
}

ssize_t recv(int fd, void* buf, size_t len, int flags) {
  static const RecvFn real = reactor_testing::Real<RecvFn>("recv");
  return reactor_testing::CountedRecv(fd, buf, len, flags, real);
}

// What recv() becomes under _FORTIFY_SOURCE when the buffer's size is known (-c opt).
ssize_t __recv_chk(int fd, void* buf, size_t len, size_t buflen, int flags) {
  static const RecvFn real = reactor_testing::Real<RecvFn>("recv");
  if (len > buflen) std::abort();
  return reactor_testing::CountedRecv(fd, buf, len, flags, real);
}

int accept4(int fd, sockaddr* addr, socklen_t* addr_len, int flags) {
  using namespace reactor_testing;
  static const Accept4Fn real = Real<Accept4Fn>("accept4");
  if (!Enabled()) return real(fd, addr, addr_len, flags);
  ++accept4_counts.calls;
  if (TakeInjection(accept4_injection, accept4_counts)) return -1;
  const int conn = real(fd, addr, addr_len, flags);
  if (conn < 0) accept4_counts.CountError(errno);
  return conn;
}

}  // extern "C"
