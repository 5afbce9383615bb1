// RespCodec: command-line splitting, request encoding and reply checks.
#include "client/resp_codec.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace client {
namespace {

// Error replies are counted by their message, cut to its first 64 bytes so a server that puts
// request data in its errors cannot grow the table without bound.
constexpr size_t kMaxErrorDetail = 64;

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

void AppendBulk(std::string* out, std::string_view word) {
  absl::StrAppend(out, "$", word.size(), "\r\n", AbslView(word), "\r\n");
}

std::string EncodeArray(const std::vector<std::string>& words) {
  std::string out = absl::StrCat("*", words.size(), "\r\n");
  for (const std::string& word : words) AppendBulk(&out, word);
  return out;
}

}  // namespace

std::vector<std::string> SplitCommandLine(std::string_view command_line) {
  return absl::StrSplit(AbslView(command_line), absl::ByAnyChar(" \t"), absl::SkipEmpty());
}

RespCodec::RespCodec(std::string_view command_line, size_t payload_bytes)
    : payload_bytes_(payload_bytes) {
  std::vector<std::string> words = SplitCommandLine(command_line);
  const std::string name = words.empty() ? "" : absl::AsciiStrToUpper(words[0]);
  if (words.size() == 1 && name == "PING") {
    expect_ = Expect::kPong;
  } else if (words.size() == 1 && name == "ECHO") {
    expect_ = Expect::kPayload;
  }
  if (expect_ != Expect::kPayload) {
    requests_.push_back(EncodeArray(words));
    return;
  }
  std::string pattern(payload_bytes + kPhases, 'a');
  for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<char>('a' + i % kPhases);
  for (int phase = 0; phase < kPhases; ++phase) {
    words.resize(1);
    words.push_back(pattern.substr(phase, payload_bytes));
    requests_.push_back(EncodeArray(words));
  }
}

std::string_view RespCodec::RequestFor(uint64_t slot) const {
  return requests_[slot % requests_.size()];
}

std::unique_ptr<ResponseVerifier> RespCodec::NewVerifier(std::string_view request) const {
  if (expect_ != Expect::kPayload) return std::make_unique<RespVerifier>(expect_, "");
  // The payload is the last payload_bytes_ before the final CRLF of the request.
  return std::make_unique<RespVerifier>(
      expect_, request.substr(request.size() - 2 - payload_bytes_, payload_bytes_));
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
  bool ok = true;
  switch (expect_) {
    case RespCodec::Expect::kPong:
      ok = r.type == protocol::RespType::kSimpleString && r.payload == "PONG";
      break;
    case RespCodec::Expect::kPayload:
      ok = r.type == protocol::RespType::kBulkString && r.payload == expected_bulk_;
      break;
    case RespCodec::Expect::kNoError:
      break;
  }
  out.kind = ok ? VerifyResult::kOk : VerifyResult::kMismatch;
  return out;
}

}  // namespace client
