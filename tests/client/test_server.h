// TestServer: a small epoll echo server on its own thread, on an ephemeral loopback port, that can
// misbehave on purpose (reset, close early, corrupt a byte, stall) so client tests can check that
// each failure lands under the right cause.
#ifndef TESTS_CLIENT_TEST_SERVER_H_
#define TESTS_CLIENT_TEST_SERVER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace client_testing {

enum class Misbehaviour {
  kNone,              // a correct echo server
  kResetMidResponse,  // after `trigger_bytes` on a connection: half a reply, then RST
  kCloseEarly,        // after `trigger_bytes` on a connection: close (FIN) without replying
  kCorruptByte,       // flips one byte, once, at offset `trigger_bytes` of the server's output
  kStall,             // once `stall_after` has passed, stops serving for `stall_for`
  kRespPong,          // answers every byte chunk of RESP PINGs with +PONG (pipelined-aware)
};

struct TestServerOptions {
  Misbehaviour misbehaviour = Misbehaviour::kNone;
  uint64_t trigger_bytes = 0;
  absl::Duration stall_after = absl::Seconds(1);
  absl::Duration stall_for = absl::Seconds(1);
  std::string bind_host = "127.0.0.1";
  int backlog = 4096;
};

class TestServer {
 public:
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(const TestServerOptions& options);
  ~TestServer();

  uint16_t port() const { return port_; }
  // Accepted connections by the peer's (the client's source) IP address.
  std::map<std::string, int> PeersByHost();
  uint64_t accepted() const { return accepted_.load(); }
  // Time from the first accepted connection to the last (zero with fewer than two).
  absl::Duration AcceptSpan();

 private:
  struct Conn;
  TestServer(const TestServerOptions& options, int listen_fd, int epoll_fd, int stop_fd,
             uint16_t port);
  void Serve();
  void Accept();
  // Handles one readiness event; returns false when the connection is finished.
  bool OnReadable(Conn& conn);
  bool FlushOutput(Conn& conn);

  const TestServerOptions options_;
  const int listen_fd_;
  const int epoll_fd_;
  const int stop_fd_;
  const uint16_t port_;
  std::atomic<uint64_t> accepted_{0};
  uint64_t output_offset_ = 0;  // bytes written by the whole server (for kCorruptByte)
  bool corrupted_ = false;
  bool stalled_ = false;
  absl::Time started_;
  absl::Mutex mutex_;
  std::map<std::string, int> peers_ ABSL_GUARDED_BY(mutex_);
  absl::Time first_accept_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  absl::Time last_accept_ ABSL_GUARDED_BY(mutex_) = absl::InfinitePast();
  std::map<int, std::unique_ptr<Conn>> conns_;
  std::thread thread_;
};

// A loopback port with nothing listening: connects to it are refused.
absl::StatusOr<uint16_t> ClosedPort();

}  // namespace client_testing

#endif  // TESTS_CLIENT_TEST_SERVER_H_
