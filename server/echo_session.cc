// EchoSession: input is output (see echo_session.h).
#include "server/echo_session.h"

namespace server {

reactor::ProtocolResult EchoSession::OnInput(std::string_view input, reactor::Output& output) {
  // Never needs to pause for the output budget: all input is consumed, so one call's
  // output is at most what one read brought in, and the connection's high-water mark stops the
  // reads.
  output.Append(input);
  return reactor::ProtocolResult{input.size(), false};
}

std::unique_ptr<reactor::Protocol> EchoFactory::NewSession() {
  return std::make_unique<EchoSession>();
}

}  // namespace server
