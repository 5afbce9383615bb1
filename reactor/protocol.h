// Protocol: the seam between the reactor and what the bytes mean. A protocol session sees bytes
// in and writes bytes out; it never sees a socket, so it can be tested on bytes alone.
#ifndef REACTOR_PROTOCOL_H_
#define REACTOR_PROTOCOL_H_

#include <cstddef>
#include <memory>
#include <string_view>

#include "reactor/buffer.h"
#include "reactor/output_queue.h"

namespace reactor {

// What a session did with the input it was shown.
struct ProtocolResult {
  // Bytes of input fully handled. The rest (an incomplete request) is shown again, with more bytes
  // appended, on the next call.
  size_t consumed = 0;
  // Set once the session wants the connection closed as soon as `output` has been delivered:
  // after QUIT, a protocol error reply or `Connection: close`. No more input is read.
  bool close_after_output = false;
  // The session stopped with input unhandled because its output was full (Output::full). The
  // connection reads nothing more and calls again, with the rest of the input, once that output
  // has been delivered.
  bool paused_for_output = false;
};

// How much output a session may owe before it stops answering, unless the connection says
// otherwise (ConnectionOptions::output_budget_bytes). Without it a small read of pipelined
// requests for large replies (HTTP GETs of a 1 MiB body, RESP INFO) would be turned into
// gigabytes of output at once, whatever the connection's high-water mark says.
inline constexpr size_t kDefaultOutputBudgetBytes = 1 << 20;

// What a session writes its replies into during one call: the connection's output queue, and the
// budget the connection allows it. Replies go out in the order they are written.
class Output {
 public:
  Output(OutputQueue& queue, size_t budget) : queue_(queue), budget_(budget) {}

  // Copied bytes (a RESP reply, an HTTP header block) are written here.
  Buffer& bytes() { return queue_.bytes(); }
  void Append(std::string_view bytes) { queue_.bytes().Append(bytes); }
  // A block many replies share (an HTTP body), queued by reference.
  void AppendBlock(const OutputQueue::Block& block) { queue_.AppendBlock(block); }

  // Bytes owed, including what earlier calls left undelivered.
  size_t size() const { return queue_.size(); }
  // The budget is spent: the session answers no further request in this call, without parsing
  // it, and pauses if input remains (ProtocolResult::paused_for_output).
  bool full() const { return queue_.size() >= budget_; }
  size_t budget() const { return budget_; }

 private:
  OutputQueue& queue_;
  const size_t budget_;
};

// One connection's protocol state.
class Protocol {
 public:
  virtual ~Protocol() = default;

  // Handles the complete requests at the front of `input`, writing their replies to `output` in
  // order, until `output` is full (then it pauses, see ProtocolResult::paused_for_output).
  // `input` starts where the previous call's consumed bytes ended.
  virtual ProtocolResult OnInput(std::string_view input, Output& output) = 0;

  // The server is shutting down: the session should ask its peer to go away with its next reply
  // where the protocol has a way to say so (HTTP's `Connection: close`).
  virtual void OnDrain() {}

  // Bytes of memory the session holds beyond the connection's buffers (a parser's argument
  // vectors), so what the server reports as held per connection is the whole of it.
  virtual size_t memory_bytes() const { return 0; }
};

// Makes sessions for a server, and words the refusal a connection gets when the server is full.
class ProtocolFactory {
 public:
  virtual ~ProtocolFactory() = default;
  virtual std::unique_ptr<Protocol> NewSession() = 0;
  // Sent, best effort and without blocking, to a connection refused by `--max_connections`.
  // Empty means close without a word.
  virtual std::string_view RejectionMessage() const { return {}; }
};

}  // namespace reactor

#endif  // REACTOR_PROTOCOL_H_
