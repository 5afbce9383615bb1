// RESP2 reply writers: every reply the RESP server sends is appended through these, straight
// into the connection's output buffer, with no temporary strings on the success paths.
#ifndef SERVER_RESP_REPLY_H_
#define SERVER_RESP_REPLY_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/types/span.h"
#include "reactor/buffer.h"

namespace server {

void AppendSimple(reactor::Buffer& output, std::string_view text);  // "+text"
void AppendOk(reactor::Buffer& output);
void AppendInteger(reactor::Buffer& output, int64_t value);
void AppendBulk(reactor::Buffer& output, std::string_view data);
void AppendNullBulk(reactor::Buffer& output);   // "$-1"
void AppendNullArray(reactor::Buffer& output);  // "*-1"
void AppendArrayHeader(reactor::Buffer& output, size_t count);
// A score as Redis 7.0 prints it in RESP2: "%.17g" as a bulk, "inf" and "-inf" spelled out.
void AppendDouble(reactor::Buffer& output, double value);

// "-<message>", with CR and LF in it turned to spaces as Redis does, so an argument echoed in an
// error cannot break the protocol.
void AppendError(reactor::Buffer& output, std::string_view message);
void AppendWrongArity(reactor::Buffer& output, std::string_view command);
void AppendWrongType(reactor::Buffer& output);
void AppendSyntaxError(reactor::Buffer& output);
void AppendNotInteger(reactor::Buffer& output);
// Redis 7's wording: the name and up to 128 characters of arguments, each quoted and followed by
// a space (hence the trailing space).
void AppendUnknownCommand(reactor::Buffer& output, absl::Span<const std::string_view> argv);
void AppendUnknownSubcommand(reactor::Buffer& output, std::string_view subcommand,
                             std::string_view command);

}  // namespace server

#endif  // SERVER_RESP_REPLY_H_
