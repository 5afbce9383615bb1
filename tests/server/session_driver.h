// SessionDriver: plays the connection's part for a protocol session in tests, on bytes alone:
// it keeps the unconsumed input, appends what "arrives", and collects the output.
#ifndef TESTS_SERVER_SESSION_DRIVER_H_
#define TESTS_SERVER_SESSION_DRIVER_H_

#include <memory>
#include <string>
#include <string_view>

#include "reactor/buffer.h"
#include "reactor/protocol.h"

namespace server::testing {

class SessionDriver {
 public:
  explicit SessionDriver(std::unique_ptr<reactor::Protocol> session)
      : session_(std::move(session)) {}

  // Delivers `bytes` and returns the output they produced. Ignored once the session asked to
  // close, as the connection reads no more then.
  std::string Feed(std::string_view bytes) {
    if (closed_) return "";
    input_.append(bytes);
    reactor::Buffer output;
    const reactor::ProtocolResult result = session_->OnInput(input_, output);
    input_.erase(0, result.consumed);
    closed_ = result.close_after_output;
    return std::string(output.view());
  }

  // Delivers `bytes` one at a time and returns all output.
  std::string FeedByteByByte(std::string_view bytes) {
    std::string out;
    for (char c : bytes) out += Feed(std::string_view(&c, 1));
    return out;
  }

  bool closed() const { return closed_; }
  size_t pending() const { return input_.size(); }
  reactor::Protocol& session() { return *session_; }

 private:
  std::unique_ptr<reactor::Protocol> session_;
  std::string input_;
  bool closed_ = false;
};

}  // namespace server::testing

#endif  // TESTS_SERVER_SESSION_DRIVER_H_
