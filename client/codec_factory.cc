// MakeCodec: one switch over the protocols.
#include "client/codec_factory.h"

#include "client/echo_codec.h"
#include "client/http_codec.h"
#include "client/resp_codec.h"

namespace client {

absl::StatusOr<std::unique_ptr<RequestCodec>> MakeCodec(const ClientOptions& options) {
  switch (options.protocol) {
    case ClientProtocol::kEcho:
      return std::make_unique<EchoCodec>(options.message_bytes);
    case ClientProtocol::kResp:
      return std::make_unique<RespCodec>(options.command, options.message_bytes);
    case ClientProtocol::kHttp:
      return std::make_unique<HttpCodec>(options.path, options.host_header.empty()
                                                           ? options.target.ToString()
                                                           : options.host_header);
  }
  return absl::InvalidArgumentError("--protocol: must be echo, resp or http");
}

}  // namespace client
