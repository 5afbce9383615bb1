// Ledger: cause names, the identities, merging and the printed form.
#include "client/ledger.h"

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace client {

std::string_view ConnectFailureName(ConnectFailure cause) {
  switch (cause) {
    case ConnectFailure::kRefused:
      return "ECONNREFUSED";
    case ConnectFailure::kTimedOut:
      return "ETIMEDOUT";
    case ConnectFailure::kAddrNotAvail:
      return "EADDRNOTAVAIL";
    case ConnectFailure::kTooManyFiles:
      return "EMFILE";
    case ConnectFailure::kOther:
      return "other";
  }
  return "?";
}

ConnectFailure ConnectFailureFromErrno(int err) {
  switch (err) {
    case ECONNREFUSED:
      return ConnectFailure::kRefused;
    case ETIMEDOUT:
      return ConnectFailure::kTimedOut;
    case EADDRNOTAVAIL:
    case EADDRINUSE:  // bind to a source address whose ports are all taken
      return ConnectFailure::kAddrNotAvail;
    case EMFILE:
    case ENFILE:
      return ConnectFailure::kTooManyFiles;
    default:
      return ConnectFailure::kOther;
  }
}

uint64_t Ledger::connect_failed_total() const {
  uint64_t total = 0;
  for (uint64_t n : connect_failed) total += n;
  return total;
}

bool Ledger::ConnectionsBalance() const {
  return attempted == connected + connect_failed_total() + connecting_at_end;
}

bool Ledger::RequestsBalance() const {
  return sent == ok + error_replies + mismatched + reset + eof + timed_out + in_flight_at_end;
}

void Ledger::Merge(const Ledger& o) {
  attempted += o.attempted;
  connected += o.connected;
  for (int i = 0; i < kConnectFailureCount; ++i) connect_failed[i] += o.connect_failed[i];
  connecting_at_end += o.connecting_at_end;
  closed_by_peer += o.closed_by_peer;
  reset_by_peer += o.reset_by_peer;
  closed_malformed += o.closed_malformed;
  reconnects += o.reconnects;
  sent += o.sent;
  ok += o.ok;
  error_replies += o.error_replies;
  mismatched += o.mismatched;
  reset += o.reset;
  eof += o.eof;
  timed_out += o.timed_out;
  in_flight_at_end += o.in_flight_at_end;
  late += o.late;
}

std::string Ledger::Format() const {
  std::string out;
  absl::StrAppendFormat(&out, "  connections  attempted %d = connected %d + failed %d", attempted,
                        connected, connect_failed_total());
  if (connecting_at_end > 0) absl::StrAppendFormat(&out, " + connecting %d", connecting_at_end);
  absl::StrAppend(&out, ConnectionsBalance() ? "   [balanced]\n" : "   [UNBALANCED]\n");
  if (connect_failed_total() > 0) {
    absl::StrAppend(&out, "    failed by cause:");
    for (int i = 0; i < kConnectFailureCount; ++i) {
      if (connect_failed[i] == 0) continue;
      const std::string_view name = ConnectFailureName(static_cast<ConnectFailure>(i));
      absl::StrAppendFormat(&out, " %s %d", absl::string_view(name.data(), name.size()),
                            connect_failed[i]);
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppendFormat(&out,
                        "    lost after connecting: closed by server %d, reset %d, closed on a "
                        "malformed reply %d; reconnects %d\n",
                        closed_by_peer, reset_by_peer, closed_malformed, reconnects);
  absl::StrAppendFormat(&out,
                        "  requests     sent %d = ok %d + error replies %d + mismatched %d + reset "
                        "%d + eof %d + timed out %d + in flight at end %d",
                        sent, ok, error_replies, mismatched, reset, eof, timed_out,
                        in_flight_at_end);
  absl::StrAppend(&out, RequestsBalance() ? "   [balanced]\n" : "   [UNBALANCED]\n");
  if (late > 0) absl::StrAppendFormat(&out, "    late answers (after timing out): %d\n", late);
  return out;
}

}  // namespace client
