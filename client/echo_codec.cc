// EchoCodec: the pattern and the streaming byte comparison.
#include "client/echo_codec.h"

#include <algorithm>
#include <cstring>

namespace client {

EchoCodec::EchoCodec(size_t message_bytes) : message_bytes_(message_bytes) {
  pattern_.resize(message_bytes + kPhases);
  for (size_t i = 0; i < pattern_.size(); ++i) pattern_[i] = static_cast<char>('a' + i % kPhases);
}

std::string_view EchoCodec::RequestFor(uint64_t slot) const {
  return std::string_view(pattern_).substr(slot % kPhases, message_bytes_);
}

std::unique_ptr<ResponseVerifier> EchoCodec::NewVerifier(std::string_view request) const {
  return std::make_unique<EchoVerifier>(request);
}

VerifyResult EchoVerifier::Next(std::string_view input) {
  const size_t n = std::min(input.size(), expected_.size() - position_);
  if (n > 0 && std::memcmp(input.data(), expected_.data() + position_, n) != 0) mismatched_ = true;
  position_ += n;
  VerifyResult result;
  result.consumed = n;
  if (position_ < expected_.size()) return result;  // kIncomplete
  result.kind = mismatched_ ? VerifyResult::kMismatch : VerifyResult::kOk;
  Reset();
  return result;
}

}  // namespace client
