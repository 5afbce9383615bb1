// HttpCodec: keep-alive `GET --path` requests with a Host header, and a verifier that parses the
// responses with protocol::HttpResponseParser and sorts them by status class.
#ifndef CLIENT_HTTP_CODEC_H_
#define CLIENT_HTTP_CODEC_H_

#include <memory>
#include <string>
#include <string_view>

#include "client/response_verifier.h"
#include "protocol/http_response_parser.h"

namespace client {

class HttpCodec : public RequestCodec {
 public:
  HttpCodec(std::string_view path, std::string_view host);
  std::string_view RequestFor(uint64_t slot) const override { return request_; }
  std::unique_ptr<ResponseVerifier> NewVerifier(std::string_view request) const override;

 private:
  std::string request_;
};

// 2xx is ok; any other status is an error reply counted under "HTTP <class>xx". Interim 1xx
// responses (100 Continue, 103 Early Hints) precede the response to a request and are skipped;
// 101 Switching Protocols is final, and the last HTTP on its connection.
class HttpVerifier : public ResponseVerifier {
 public:
  VerifyResult Next(std::string_view input) override;
  VerifyResult Finish(std::string_view input) override;
  void Reset() override { parser_.Reset(); }

 private:
  // `at_eof`: Finish() rather than Parse() the response at the front of `input`.
  VerifyResult Verify(std::string_view input, bool at_eof);

  protocol::HttpResponseParser parser_;
};

}  // namespace client

#endif  // CLIENT_HTTP_CODEC_H_
