// RespCodec: request encoding and reply checks.
#include "client/resp_codec.h"

#include "absl/strings/str_cat.h"

namespace client {
namespace {

// Error replies are counted by their message, cut to its first 64 bytes so a server that puts
// request data in its errors cannot grow the table without bound.
constexpr size_t kMaxErrorDetail = 64;

}  // namespace

RespCodec::RespCodec(Command command, size_t payload_bytes)
    : command_(command), payload_bytes_(payload_bytes) {
  if (command == Command::kPing) {
    requests_.push_back("*1\r\n$4\r\nPING\r\n");
    return;
  }
  std::string pattern(payload_bytes + kPhases, 'a');
  for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<char>('a' + i % kPhases);
  for (int phase = 0; phase < kPhases; ++phase) {
    requests_.push_back(absl::StrCat("*2\r\n$4\r\nECHO\r\n$", payload_bytes, "\r\n",
                                     pattern.substr(phase, payload_bytes), "\r\n"));
  }
}

std::string_view RespCodec::RequestFor(uint64_t slot) const {
  return requests_[slot % requests_.size()];
}

std::unique_ptr<ResponseVerifier> RespCodec::NewVerifier(std::string_view request) const {
  if (command_ == Command::kPing) return std::make_unique<RespVerifier>(std::string_view(), true);
  // The payload is the last payload_bytes_ before the final CRLF of the request.
  return std::make_unique<RespVerifier>(
      request.substr(request.size() - 2 - payload_bytes_, payload_bytes_), false);
}

VerifyResult RespVerifier::Next(std::string_view input) {
  const protocol::RespReplyParser::Result r = parser_.Parse(input);
  VerifyResult out;
  if (r.status == protocol::ParseStatus::kIncomplete) return out;
  if (r.status == protocol::ParseStatus::kError) {
    out.kind = VerifyResult::kMalformed;
    out.detail = r.error.empty() ? std::string_view("malformed RESP reply") : r.error;
    return out;
  }
  parser_.Reset();
  out.consumed = r.consumed;
  if (r.type == protocol::RespType::kError) {
    out.kind = VerifyResult::kErrorReply;
    out.detail = r.payload.substr(0, kMaxErrorDetail);
    return out;
  }
  const bool ok = ping_
                      ? (r.type == protocol::RespType::kSimpleString && r.payload == "PONG")
                      : (r.type == protocol::RespType::kBulkString && r.payload == expected_bulk_);
  out.kind = ok ? VerifyResult::kOk : VerifyResult::kMismatch;
  return out;
}

}  // namespace client
