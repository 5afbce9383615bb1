// RespCodec: RESP2 requests (PING, or ECHO with a --message_bytes payload) and a verifier that
// parses the replies with protocol::RespReplyParser and checks each one (+PONG, the payload back).
#ifndef CLIENT_RESP_CODEC_H_
#define CLIENT_RESP_CODEC_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/response_verifier.h"
#include "protocol/resp_reply_parser.h"

namespace client {

class RespCodec : public RequestCodec {
 public:
  enum class Command { kPing, kEcho };
  static constexpr int kPhases = 26;
  RespCodec(Command command, size_t payload_bytes);
  std::string_view RequestFor(uint64_t slot) const override;
  std::unique_ptr<ResponseVerifier> NewVerifier(std::string_view request) const override;

 private:
  const Command command_;
  const size_t payload_bytes_;
  // One encoded request per payload phase (ECHO), or just one (PING).
  std::vector<std::string> requests_;
};

class RespVerifier : public ResponseVerifier {
 public:
  // `expected_bulk` empty: expect +PONG; else expect that bulk string.
  explicit RespVerifier(std::string_view expected_bulk, bool ping)
      : expected_bulk_(expected_bulk), ping_(ping) {}
  VerifyResult Next(std::string_view input) override;
  void Reset() override { parser_.Reset(); }

 private:
  const std::string_view expected_bulk_;
  const bool ping_;
  protocol::RespReplyParser parser_;
};

}  // namespace client

#endif  // CLIENT_RESP_CODEC_H_
