// ScriptedServer: a loopback listener that runs a test's own script on each accepted connection
// (a blocking socket on its own thread), for client tests that need one exact server behaviour:
// an answer then a close, interim 1xx responses, a fake RESP store, accept-then-reset.
#ifndef TESTS_CLIENT_SCRIPTED_SERVER_H_
#define TESTS_CLIENT_SCRIPTED_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace client_testing {

class ScriptedServer {
 public:
  // Runs on the connection's own thread; the server closes `fd` when it returns. `index` numbers
  // the accepted connections from 0. Scripts must end when a read sees EOF: that is how the
  // destructor stops them.
  using Script = std::function<void(int fd, int index)>;

  struct Options {
    // Close the listener after this many accepts (later connects are refused); 0: never.
    int max_accepts = 0;
    // Connections accepted beyond this many (over the server's life) are closed at once, so a
    // client that reconnects in a loop cannot make the test start threads without bound.
    int max_threads = 256;
  };

  static absl::StatusOr<std::unique_ptr<ScriptedServer>> Start(Script script,
                                                               const Options& options);
  static absl::StatusOr<std::unique_ptr<ScriptedServer>> Start(Script script) {
    return Start(std::move(script), Options{});
  }
  // Stops accepting, shuts every open connection down (scripts see EOF) and joins the threads.
  ~ScriptedServer();

  uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  ScriptedServer(Script script, const Options& options, int listen_fd, uint16_t port);
  void AcceptLoop();
  void RunConnection(int fd, int index);

  const Script script_;
  const Options options_;
  int listen_fd_;
  const uint16_t port_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  absl::Mutex mutex_;
  std::set<int> open_fds_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mutex_);
  std::thread accept_thread_;
};

// Blocking helpers for scripts. Each gives up at its timeout, so a script never hangs a test.

// Reads into `buffer` until it holds `delimiter`. False on EOF, error or timeout.
bool ReadUntil(int fd, std::string& buffer, std::string_view delimiter, absl::Duration timeout);
// Reads whatever arrives next into `buffer` (at least one byte). False on EOF, error or timeout.
bool ReadSome(int fd, std::string& buffer, absl::Duration timeout);
// Writes all of `bytes`. False on error.
bool WriteAll(int fd, std::string_view bytes);

}  // namespace client_testing

#endif  // TESTS_CLIENT_SCRIPTED_SERVER_H_
