// RespCodec: RESP2 requests for --command (PING; ECHO with a --message_bytes payload; or any
// command line) and a verifier that parses the replies with protocol::RespReplyParser and checks
// each one (+PONG, the payload back, or simply not an error).
#ifndef CLIENT_RESP_CODEC_H_
#define CLIENT_RESP_CODEC_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/response_verifier.h"
#include "protocol/resp_reply_parser.h"

namespace client {

// The words of a --command line: split on spaces (and tabs), empty words dropped. Arguments
// cannot contain spaces.
std::vector<std::string> SplitCommandLine(std::string_view command_line);

class RespCodec : public RequestCodec {
 public:
  // What a reply must be to verify.
  enum class Expect {
    kPong,     // "PING" alone: +PONG
    kPayload,  // "ECHO" alone: the request's payload as a bulk string
    kNoError,  // anything else ("SET key value", "GET key"): any reply but an error
  };
  static constexpr int kPhases = 26;

  // This is the one place that decides what a command line means. `command_line` must hold at
  // least one word (ClientOptions::Validate checks). Each request is encoded once, here, as a
  // RESP array of the words; "ECHO" alone gets a --message_bytes payload whose phase depends on
  // the connection, so a reply delivered to the wrong connection is a mismatch.
  RespCodec(std::string_view command_line, size_t payload_bytes);
  Expect expect() const { return expect_; }
  std::string_view RequestFor(uint64_t slot) const override;
  std::unique_ptr<ResponseVerifier> NewVerifier(std::string_view request) const override;

 private:
  Expect expect_ = Expect::kNoError;
  const size_t payload_bytes_;
  // One encoded request per payload phase (ECHO), or just one.
  std::vector<std::string> requests_;
};

class RespVerifier : public ResponseVerifier {
 public:
  // `expected_bulk`: the payload, for Expect::kPayload only.
  RespVerifier(RespCodec::Expect expect, std::string_view expected_bulk)
      : expect_(expect), expected_bulk_(expected_bulk) {}
  VerifyResult Next(std::string_view input) override;
  void Reset() override { parser_.Reset(); }

 private:
  const RespCodec::Expect expect_;
  const std::string_view expected_bulk_;
  protocol::RespReplyParser parser_;
};

}  // namespace client

#endif  // CLIENT_RESP_CODEC_H_
