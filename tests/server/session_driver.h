// SessionDriver: plays the connection's part for a protocol session in tests, on bytes alone:
// it keeps the unconsumed input, appends what "arrives", and collects the output.
#ifndef TESTS_SERVER_SESSION_DRIVER_H_
#define TESTS_SERVER_SESSION_DRIVER_H_

#include <memory>
#include <string>
#include <string_view>

#include "reactor/output_queue.h"
#include "reactor/protocol.h"

namespace server::testing {

class SessionDriver {
 public:
  explicit SessionDriver(std::unique_ptr<reactor::Protocol> session,
                         size_t output_budget = reactor::kDefaultOutputBudgetBytes)
      : session_(std::move(session)), output_budget_(output_budget) {}

  // Delivers `bytes` and returns the output they produced, into an output queue that starts
  // empty. Ignored once the session asked to close, as the connection reads no more then.
  std::string Feed(std::string_view bytes) {
    if (closed_) return "";
    input_.append(bytes);
    reactor::OutputQueue queue;
    reactor::Output output(queue, output_budget_);
    const reactor::ProtocolResult result = session_->OnInput(input_, output);
    input_.erase(0, result.consumed);
    last_consumed_ = result.consumed;
    closed_ = result.close_after_output;
    paused_ = result.paused_for_output;
    last_output_memory_ = queue.capacity();
    return queue.ToString();
  }

  // Calls a paused session again with no new bytes, as the connection does once the output has
  // been delivered.
  std::string Resume() { return Feed(""); }

  // Delivers `bytes` one at a time, resuming the session whenever it pauses, and returns all
  // output.
  std::string FeedByteByByte(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
      out += Feed(std::string_view(&c, 1));
      while (paused_ && !closed_) out += Resume();
    }
    return out;
  }

  bool closed() const { return closed_; }
  bool paused() const { return paused_; }
  size_t last_consumed() const { return last_consumed_; }
  size_t pending() const { return input_.size(); }
  size_t output_budget() const { return output_budget_; }
  // Bytes of memory the last call's output queue held (shared blocks are not counted).
  size_t last_output_memory() const { return last_output_memory_; }
  reactor::Protocol& session() { return *session_; }

 private:
  std::unique_ptr<reactor::Protocol> session_;
  const size_t output_budget_;
  std::string input_;
  size_t last_output_memory_ = 0;
  size_t last_consumed_ = 0;
  bool closed_ = false;
  bool paused_ = false;
};

}  // namespace server::testing

#endif  // TESTS_SERVER_SESSION_DRIVER_H_
