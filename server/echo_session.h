// EchoSession: the simplest protocol, every byte read is written back; the baseline that shows
// what the reactor alone costs.
#ifndef SERVER_ECHO_SESSION_H_
#define SERVER_ECHO_SESSION_H_

#include <memory>
#include <string_view>

#include "reactor/buffer.h"
#include "reactor/protocol.h"

namespace server {

// Returns its input as output and consumes all of it.
class EchoSession : public reactor::Protocol {
 public:
  reactor::ProtocolResult OnInput(std::string_view input, reactor::Output& output) override;
};

// Makes EchoSessions. A refused connection is closed without a word: echo has no way to say no.
class EchoFactory : public reactor::ProtocolFactory {
 public:
  std::unique_ptr<reactor::Protocol> NewSession() override;
};

}  // namespace server

#endif  // SERVER_ECHO_SESSION_H_
