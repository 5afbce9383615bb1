// ResponseVerifier and RequestCodec: the seam between the load client and a protocol. A codec
// makes each connection's request bytes once; a verifier checks the reply stream against them.
#ifndef CLIENT_RESPONSE_VERIFIER_H_
#define CLIENT_RESPONSE_VERIFIER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace client {

struct VerifyResult {
  enum Kind {
    kIncomplete,  // need more bytes (some may have been consumed)
    kOk,          // one complete, correct response
    kErrorReply,  // one complete, well-formed response that reports an error (`detail` says which)
    kMismatch,    // one complete response with the wrong content; the stream is still in step
    kMalformed,   // unparsable: the stream cannot be resynchronised, the connection must close
  };
  Kind kind = kIncomplete;
  // Bytes of input used; the rest is shown again, with more appended, on the next call.
  size_t consumed = 0;
  // For kErrorReply and kMalformed: what went wrong, e.g. "-ERR unknown command" or "5xx". Points
  // into the input or static storage; copy it before the input is consumed.
  std::string_view detail;
  // HTTP: the status class (1-5, or 0 for anything else) of a complete response; -1 otherwise.
  int status_class = -1;
  // The server said this is its last response on the connection (HTTP `Connection: close`).
  bool last_on_connection = false;
};

// One connection's reply checker. Called with everything received and not yet consumed.
class ResponseVerifier {
 public:
  virtual ~ResponseVerifier() = default;
  virtual VerifyResult Next(std::string_view input) = 0;
  // The peer closed the connection and `input` is all that is left of it. Completes a response
  // delimited by the close (an HTTP body with no length); kIncomplete when there is none.
  virtual VerifyResult Finish(std::string_view input) { return VerifyResult{}; }
  // Forgets a partial response (the connection was replaced).
  virtual void Reset() = 0;
};

// Per-protocol request bytes and verifiers. Immutable once built; each thread owns one.
class RequestCodec {
 public:
  virtual ~RequestCodec() = default;
  // The bytes of one request for connection `slot`. Valid as long as the codec.
  virtual std::string_view RequestFor(uint64_t slot) const = 0;
  virtual std::unique_ptr<ResponseVerifier> NewVerifier(std::string_view request) const = 0;
};

}  // namespace client

#endif  // CLIENT_RESPONSE_VERIFIER_H_
