// Fault injection for socket I/O in tests: interposes send(), recv() and accept4() to clamp send
// lengths (genuine short writes), inject errors, and count outcomes by errno.
#ifndef TESTS_SUPPORT_FAULT_INJECTION_H_
#define TESTS_SUPPORT_FAULT_INJECTION_H_

#include <cstddef>
#include <cstdint>

namespace reactor_testing {

// Linked into a test binary (target //tests/support:fault_injection, which must be linked
// statically so its definitions win over libc's and the sanitizers'), the interposers act only on
// threads that called `EnableFaultsOnThisThread()`: the loop's thread, not the test's own client.
// Loaded with LD_PRELOAD (//tests/support:fault_injection_preload.so) they act on every thread, and
// read their settings from the environment:
//   REACTOR_FAULT_SEND_MAX=N    clamp every send() to at most N bytes
// and print their send() counts on stderr at exit ("fault_injection: send calls=...").
//
// Counts are process-wide and cover only calls made where faults are enabled.
struct IoCounts {
  uint64_t calls = 0;
  uint64_t short_transfers = 0;  // send: fewer bytes than asked (by the kernel or the clamp)
  uint64_t clamped = 0;          // send: shortened by the clamp before reaching the kernel
  uint64_t eof = 0;              // recv returned 0
  uint64_t eagain = 0;
  uint64_t eintr = 0;
  uint64_t injected = 0;  // failures made up by InjectXError (also counted under their errno)
  uint64_t epipe = 0;
  uint64_t econnreset = 0;
  uint64_t emfile = 0;
  uint64_t other_errors = 0;
};

void EnableFaultsOnThisThread();
void DisableFaultsOnThisThread();

// 0 turns the clamp off.
void SetSendClamp(size_t max_bytes);
// The next `n` calls of each kind (on enabled threads) fail with `err` (EINTR, EAGAIN, ...)
// before reaching the kernel.
void InjectSendError(int err, int n);
void InjectRecvError(int err, int n);
void InjectAccept4Error(int err, int n);

IoCounts SendCounts();
IoCounts RecvCounts();
IoCounts Accept4Counts();
// Zeroes the counters and cancels pending injections and the clamp.
void ResetFaults();

}  // namespace reactor_testing

#endif  // TESTS_SUPPORT_FAULT_INJECTION_H_
