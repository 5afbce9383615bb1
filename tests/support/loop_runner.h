// LoopRunner: an EventLoop on its own thread, so a test's body can play the peer with ordinary
// blocking sockets and still inspect the loop's objects safely through Call().
#ifndef TESTS_SUPPORT_LOOP_RUNNER_H_
#define TESTS_SUPPORT_LOOP_RUNNER_H_

#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "reactor/event_loop.h"

namespace reactor_testing {

// Usage:
//   LoopRunner runner;
//   auto server = runner.Call([&] { return std::make_unique<TcpServer>(runner.loop(), ...); });
//   ... talk to the server from the test thread ...
//   EXPECT_EQ(runner.Call([&] { return server->stats().read_pauses; }), 1u);
//   runner.Call([&] { server.reset(); });  // objects of the loop die on the loop
//
// Objects living on the loop must only be touched inside Call(). A posted task costs the loop one
// iteration (an eventfd wakeup), nothing while idle.
class LoopRunner {
 public:
  LoopRunner();
  // Stops the loop and joins its thread. Destroy the loop's objects with Call() first.
  ~LoopRunner();
  LoopRunner(const LoopRunner&) = delete;
  LoopRunner& operator=(const LoopRunner&) = delete;

  reactor::EventLoop* loop() const { return loop_.get(); }

  // Runs `fn` on the loop thread and returns its result. Aborts the test binary if the loop does
  // not run it within 20 s (a hung loop must fail, not hang the test).
  template <typename Fn>
  std::invoke_result_t<Fn&> Call(Fn fn) {
    using Result = std::invoke_result_t<Fn&>;
    std::promise<Result> promise;
    std::future<Result> future = promise.get_future();
    Post([&] {
      if constexpr (std::is_void_v<Result>) {
        fn();
        promise.set_value();
      } else {
        promise.set_value(fn());
      }
    });
    WaitOrAbort(future);
    return future.get();
  }

  // Polls `predicate` on the loop thread until it holds or `timeout` passes; returns its last
  // value.
  template <typename Predicate>
  bool WaitUntil(Predicate predicate, absl::Duration timeout = absl::Seconds(10)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (Call(predicate)) return true;
      absl::SleepFor(absl::Milliseconds(2));
    }
    return Call(predicate);
  }

 private:
  void Post(std::function<void()> task);
  template <typename Future>
  static void WaitOrAbort(Future& future) {
    if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) AbortHung();
  }
  [[noreturn]] static void AbortHung();

  std::unique_ptr<reactor::EventLoop> loop_;
  absl::Status run_status_;
  std::thread thread_;
};

}  // namespace reactor_testing

#endif  // TESTS_SUPPORT_LOOP_RUNNER_H_
