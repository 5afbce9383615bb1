// Protocols written for the reactor's tests: a raw byte echo and a line echo that can ask to close
// ("quit"), so Connection and TcpServer are tested without depending on //server or //protocol.
#ifndef TESTS_REACTOR_TEST_PROTOCOLS_H_
#define TESTS_REACTOR_TEST_PROTOCOLS_H_

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "reactor/buffer.h"
#include "reactor/protocol.h"

namespace reactor_testing {

// Echoes every byte as soon as it arrives.
class RawEchoSession : public reactor::Protocol {
 public:
  explicit RawEchoSession(int* drains = nullptr) : drains_(drains) {}

  reactor::ProtocolResult OnInput(std::string_view input, reactor::Output& output) override {
    output.Append(input);
    return {input.size(), false};
  }

  void OnDrain() override {
    if (drains_ != nullptr) ++*drains_;
  }

 private:
  int* const drains_;
};

// Echoes complete lines only, so an incomplete line waits in the connection's own input buffer.
// "quit\n" is answered "bye\n" and closes the connection after the reply.
class LineEchoSession : public reactor::Protocol {
 public:
  explicit LineEchoSession(int* drains = nullptr) : drains_(drains) {}

  reactor::ProtocolResult OnInput(std::string_view input, reactor::Output& output) override {
    size_t consumed = 0;
    while (true) {
      const size_t newline = input.find('\n', consumed);
      if (newline == std::string_view::npos) return {consumed, false};
      const std::string_view line = input.substr(consumed, newline + 1 - consumed);
      consumed = newline + 1;
      if (line == "quit\n") {
        output.Append("bye\n");
        return {consumed, true};
      }
      output.Append(line);
    }
  }

  void OnDrain() override {
    if (drains_ != nullptr) ++*drains_;
  }

 private:
  int* const drains_;
};

// Answers every input byte with kReplyBytes copies of it: a one-byte request for a large reply,
// as a pipelined HTTP GET of a big body is. Pauses at the output budget, as sessions must.
// `shared`: each reply is SharedReply(byte) instead: the byte, copied, and a shared block of
// kReplyBytes - 1 counting digits, as an HTTP response is a copied header and a shared body.
class AmplifierSession : public reactor::Protocol {
 public:
  static constexpr size_t kReplyBytes = 256 * 1024;

  explicit AmplifierSession(bool shared = false) : shared_(shared) {}

  static std::string SharedReply(char c) { return c + SharedBlock(); }

  reactor::ProtocolResult OnInput(std::string_view input, reactor::Output& output) override {
    size_t consumed = 0;
    for (const char c : input) {
      if (output.full()) return {.consumed = consumed, .paused_for_output = true};
      if (shared_) {
        output.Append(std::string_view(&c, 1));
        reactor::OutputQueue::Block& block = blocks_[static_cast<unsigned char>(c)];
        if (block == nullptr) block = std::make_shared<const std::string>(SharedBlock());
        output.AppendBlock(block);
      } else {
        std::memset(output.bytes().PrepareWrite(kReplyBytes), c, kReplyBytes);
        output.bytes().Commit(kReplyBytes);
      }
      ++consumed;
    }
    return {.consumed = consumed};
  }

 private:
  // Not uniform, so a piece sent twice or skipped shows.
  static std::string SharedBlock() {
    std::string block(kReplyBytes - 1, '0');
    for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>('0' + i % 10);
    return block;
  }

  const bool shared_;
  std::array<reactor::OutputQueue::Block, 256> blocks_;
};

class TestProtocolFactory : public reactor::ProtocolFactory {
 public:
  enum class Kind { kRawEcho, kLineEcho };
  explicit TestProtocolFactory(Kind kind, std::string rejection = "FULL\n")
      : kind_(kind), rejection_(std::move(rejection)) {}

  std::unique_ptr<reactor::Protocol> NewSession() override {
    ++sessions;
    if (kind_ == Kind::kRawEcho) return std::make_unique<RawEchoSession>(&drains);
    return std::make_unique<LineEchoSession>(&drains);
  }
  std::string_view RejectionMessage() const override { return rejection_; }

  // Touched on the loop thread only.
  int sessions = 0;
  int drains = 0;

 private:
  const Kind kind_;
  const std::string rejection_;
};

}  // namespace reactor_testing

#endif  // TESTS_REACTOR_TEST_PROTOCOLS_H_
