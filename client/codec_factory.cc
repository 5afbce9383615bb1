// MakeCodec: one switch over the protocols.
#include "client/codec_factory.h"

#include "client/echo_codec.h"

namespace client {

absl::StatusOr<std::unique_ptr<RequestCodec>> MakeCodec(const ClientOptions& options) {
  switch (options.protocol) {
    case ClientProtocol::kEcho:
      return std::make_unique<EchoCodec>(options.message_bytes);
    case ClientProtocol::kResp:
    case ClientProtocol::kHttp:
      break;
  }
  return absl::UnimplementedError("--protocol: only echo is available in this build");
}

}  // namespace client
