// MakeCodec: the RequestCodec for --protocol, built from the options.
#ifndef CLIENT_CODEC_FACTORY_H_
#define CLIENT_CODEC_FACTORY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "client/client_options.h"
#include "client/response_verifier.h"

namespace client {

absl::StatusOr<std::unique_ptr<RequestCodec>> MakeCodec(const ClientOptions& options);

}  // namespace client

#endif  // CLIENT_CODEC_FACTORY_H_
