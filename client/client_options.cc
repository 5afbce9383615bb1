// ClientOptions: validation and the parsers for the flag values absl has no type for.
#include "client/client_options.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace client {
namespace {

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status Bad(std::string_view flag, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--", AbslView(flag), ": ", AbslView(why)));
}

constexpr int kMaxConnections = 1'000'000;
constexpr int kMaxThreads = 256;
constexpr int kMaxPipeline = 4096;
constexpr int kMaxInFlight = 1 << 20;
constexpr size_t kMaxMessageBytes = 64 * 1024 * 1024;
constexpr size_t kMaxSourceAddresses = 65536;

}  // namespace

std::string_view ClientProtocolName(ClientProtocol protocol) {
  switch (protocol) {
    case ClientProtocol::kEcho:
      return "echo";
    case ClientProtocol::kResp:
      return "resp";
    case ClientProtocol::kHttp:
      return "http";
  }
  return "?";
}

absl::Status ClientOptions::Validate() const {
  if (target.family() != AF_INET && target.family() != AF_INET6) {
    return Bad("target", "required, as HOST:PORT with a numeric host (e.g. 127.0.0.1:7000)");
  }
  if (target.port() == 0) return Bad("target", "port must be 1-65535");
  if (connections < 1 || connections > kMaxConnections) {
    return Bad("connections", absl::StrCat("must be 1-", kMaxConnections));
  }
  if (threads < 1 || threads > kMaxThreads) {
    return Bad("threads", absl::StrCat("must be 1-", kMaxThreads));
  }
  if (threads > connections) return Bad("threads", "must not exceed --connections");
  if (requests == 0 && duration <= absl::ZeroDuration()) {
    return Bad("duration", "must be > 0 (e.g. 10s) unless --requests is given");
  }
  if (warmup < absl::ZeroDuration()) return Bad("warmup", "must be >= 0");
  if (message_bytes < 1 || message_bytes > kMaxMessageBytes) {
    return Bad("message_bytes", absl::StrCat("must be 1-", kMaxMessageBytes));
  }
  if (pipeline < 1 || pipeline > kMaxPipeline) {
    return Bad("pipeline", absl::StrCat("must be 1-", kMaxPipeline));
  }
  if (rate < 0) return Bad("rate", "must be >= 0 requests/s (0 = closed loop)");
  if (max_in_flight < 1 || max_in_flight > kMaxInFlight) {
    return Bad("max_in_flight", absl::StrCat("must be 1-", kMaxInFlight));
  }
  if (drain < absl::ZeroDuration() || drain > absl::Minutes(10)) {
    return Bad("drain", "must be >= 0 and <= 10m");
  }
  if (close_wait < absl::ZeroDuration() || close_wait > absl::Minutes(1)) {
    return Bad("close_wait", "must be >= 0 and <= 1m");
  }
  if (!(max_error_ratio >= 0 && max_error_ratio <= 1)) {
    return Bad("max_error_ratio", "must be 0-1 (e.g. 0.001 for one error in a thousand)");
  }
  if (!(rate_tolerance >= 0 && rate_tolerance <= 1)) {
    return Bad("rate_tolerance", "must be 0-1 (e.g. 0.01: 1% below --rate)");
  }
  if (rate > 0 && rate < connections / 3600.0) {
    return Bad("rate", "must give each connection at least one request per hour");
  }
  if (connect_rate < 0) return Bad("connect_rate", "must be >= 0 connects/s (0 = unpaced)");
  if (connect_timeout <= absl::ZeroDuration() || connect_timeout > absl::Hours(1)) {
    return Bad("connect_timeout", "must be > 0 and <= 1h");
  }
  if (timeout <= absl::ZeroDuration() || timeout > absl::Hours(1)) {
    return Bad("timeout", "must be > 0 and <= 1h");
  }
  if (reconnect_backoff_min <= absl::ZeroDuration() ||
      reconnect_backoff_max < reconnect_backoff_min || reconnect_backoff_max > absl::Minutes(10)) {
    return Bad(
        "reconnect_backoff_max",
        "backoff must satisfy 0 < --reconnect_backoff_min <= --reconnect_backoff_max <= 10m");
  }
  if (source_addresses.size() > kMaxSourceAddresses) {
    return Bad("source_addresses", absl::StrCat("at most ", kMaxSourceAddresses, " addresses"));
  }
  for (const auto& source : source_addresses) {
    if (source.family() != target.family()) {
      return Bad("source_addresses", "every address must be of the target's family (IPv4/IPv6)");
    }
  }
  // What the words mean (PING, ECHO, or any other command) is RespCodec's to decide.
  if (protocol == ClientProtocol::kResp && absl::StripAsciiWhitespace(AbslView(command)).empty()) {
    return Bad("command",
               "must name a command, e.g. PING, ECHO (a --message_bytes payload) or \"SET key "
               "value\"");
  }
  if (protocol == ClientProtocol::kHttp && (path.empty() || path[0] != '/')) {
    return Bad("path", "must start with '/'");
  }
  if (protocol == ClientProtocol::kHttp && host_header.find_first_of("\r\n") != std::string::npos) {
    return Bad("host", "must not contain CR or LF");
  }
  if (path.find_first_of(" \r\n") != std::string::npos) {
    return Bad("path", "must not contain spaces, CR or LF");
  }
  return absl::OkStatus();
}

absl::StatusOr<double> ParseRate(std::string_view text) {
  absl::string_view t = absl::StripAsciiWhitespace(AbslView(text));
  absl::ConsumeSuffix(&t, "/s");
  double scale = 1;
  if (absl::ConsumeSuffix(&t, "k") || absl::ConsumeSuffix(&t, "K")) scale = 1e3;
  if (absl::ConsumeSuffix(&t, "M")) scale = 1e6;
  double value = 0;
  // The range applies to the rate itself, after k or M: "2000000k" is 2e9/s, out of range.
  if (!absl::SimpleAtod(t, &value) || !(value * scale >= 0) || value * scale > 1e9) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", AbslView(text), "' is not a rate (0-1e9 per second, e.g. 5000/s)"));
  }
  return value * scale;
}

absl::StatusOr<std::vector<reactor::SocketAddress>> ParseSourceAddresses(std::string_view text) {
  std::vector<reactor::SocketAddress> out;
  if (text.empty()) return out;
  for (absl::string_view item : absl::StrSplit(AbslView(text), ',')) {
    item = absl::StripAsciiWhitespace(item);
    const size_t dash = item.find('-');
    if (dash == absl::string_view::npos) {
      auto address =
          reactor::SocketAddress::FromHostPort(std::string_view(item.data(), item.size()), 0);
      if (!address.ok()) return address.status();
      out.push_back(*address);
      continue;
    }
    const std::string first(item.substr(0, dash));
    const std::string last(item.substr(dash + 1));
    in_addr a{};
    in_addr b{};
    if (inet_pton(AF_INET, first.c_str(), &a) != 1 || inet_pton(AF_INET, last.c_str(), &b) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", item, "' is not an IPv4 range such as 127.0.0.1-127.0.0.8"));
    }
    const uint32_t lo = ntohl(a.s_addr);
    const uint32_t hi = ntohl(b.s_addr);
    if (hi < lo || hi - lo >= kMaxSourceAddresses) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", item, "': the range must go upwards and hold at most ",
                       kMaxSourceAddresses, " addresses"));
    }
    for (uint64_t v = lo; v <= hi; ++v) {
      in_addr addr{htonl(static_cast<uint32_t>(v))};
      char buf[INET_ADDRSTRLEN];
      if (inet_ntop(AF_INET, &addr, buf, sizeof buf) == nullptr) {
        return absl::InternalError("inet_ntop failed");
      }
      auto address = reactor::SocketAddress::FromHostPort(buf, 0);
      if (!address.ok()) return address.status();
      out.push_back(*address);
    }
  }
  return out;
}

}  // namespace client
