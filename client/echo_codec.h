// EchoCodec: requests of --message_bytes patterned bytes, and a verifier that expects each one
// back byte for byte.
#ifndef CLIENT_ECHO_CODEC_H_
#define CLIENT_ECHO_CODEC_H_

#include <memory>
#include <string>
#include <string_view>

#include "client/response_verifier.h"

namespace client {

// The payload is a repeating alphabet whose phase depends on the connection, so a reply
// delivered to the wrong connection, or a corrupted byte, is a mismatch. All connections share one
// pattern string (a window into it per phase), so requests cost no memory per connection.
class EchoCodec : public RequestCodec {
 public:
  static constexpr int kPhases = 26;
  explicit EchoCodec(size_t message_bytes);
  std::string_view RequestFor(uint64_t slot) const override;
  std::unique_ptr<ResponseVerifier> NewVerifier(std::string_view request) const override;

 private:
  const size_t message_bytes_;
  std::string pattern_;  // message_bytes + kPhases bytes
};

// Expects `expected` again and again, verified as the bytes arrive, so a large message needs no
// buffering: every byte is consumed at once.
class EchoVerifier : public ResponseVerifier {
 public:
  explicit EchoVerifier(std::string_view expected) : expected_(expected) {}
  VerifyResult Next(std::string_view input) override;
  void Reset() override {
    position_ = 0;
    mismatched_ = false;
  }

 private:
  const std::string_view expected_;
  size_t position_ = 0;  // bytes of the current response seen
  bool mismatched_ = false;
};

}  // namespace client

#endif  // CLIENT_ECHO_CODEC_H_
