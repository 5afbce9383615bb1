// Ledger: cause names, the identities, merging and the printed form.
#include "client/ledger.h"

#include <algorithm>
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

bool Ledger::AttemptsBalance() const {
  return attempted == connected + connect_failed_total() + connecting_at_end;
}

bool Ledger::OriginsBalance() const {
  return version < 2 || attempted == initial_connects + reconnects;
}

bool Ledger::LivesBalance() const {
  return version < 2 || connected == closed_by_peer + reset_by_peer + closed_malformed +
                                         closed_at_end + cut_at_end;
}

bool Ledger::RequestsBalance() const {
  return sent == ok + error_replies + mismatched + reset + eof + timed_out + in_flight_at_end;
}

bool Ledger::ScheduleBalances() const {
  // A closed loop has no schedule (both zero).
  return version < 2 || (scheduled == 0 && owed_unsent == 0) || scheduled == sent + owed_unsent;
}

bool Ledger::BytesBalance() const {
  return version < 2 || bytes_received == bytes_parsed + bytes_unparsed + bytes_dropped_at_end;
}

bool Ledger::Balanced() const {
  return AttemptsBalance() && OriginsBalance() && LivesBalance() && RequestsBalance() &&
         ScheduleBalances() && BytesBalance();
}

void Ledger::Merge(const Ledger& o) {
  for (const LedgerField& field : kLedgerFields) this->*field.member += o.*field.member;
  for (int i = 0; i < kConnectFailureCount; ++i) connect_failed[i] += o.connect_failed[i];
  version = std::min(version, o.version);
}

namespace {

const char* Mark(bool holds) { return holds ? "   [balanced]\n" : "   [UNBALANCED]\n"; }

}  // namespace

std::string Ledger::Format() const {
  std::string out;
  absl::StrAppendFormat(&out, "  connections  attempted %d = connected %d + failed %d", attempted,
                        connected, connect_failed_total());
  if (connecting_at_end > 0) absl::StrAppendFormat(&out, " + connecting %d", connecting_at_end);
  absl::StrAppend(&out, Mark(AttemptsBalance()));
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
  if (version >= 2) {
    absl::StrAppendFormat(&out, "               attempted %d = initial %d + reconnects %d%s",
                          attempted, initial_connects, reconnects, Mark(OriginsBalance()));
    absl::StrAppendFormat(&out,
                          "               connected %d = closed by server %d + reset %d + closed "
                          "on a malformed reply %d + closed at end %d + cut at end %d%s",
                          connected, closed_by_peer, reset_by_peer, closed_malformed, closed_at_end,
                          cut_at_end, Mark(LivesBalance()));
  } else {
    absl::StrAppendFormat(&out,
                          "    lost after connecting: closed by server %d, reset %d, closed on a "
                          "malformed reply %d; reconnects %d\n",
                          closed_by_peer, reset_by_peer, closed_malformed, reconnects);
  }
  absl::StrAppendFormat(&out,
                        "  requests     sent %d = ok %d + error replies %d + mismatched %d + reset "
                        "%d + eof %d + timed out %d + in flight at end %d",
                        sent, ok, error_replies, mismatched, reset, eof, timed_out,
                        in_flight_at_end);
  absl::StrAppend(&out, Mark(RequestsBalance()));
  if (late > 0) absl::StrAppendFormat(&out, "    late answers (after timing out): %d\n", late);
  if (scheduled > 0 || owed_unsent > 0) {
    absl::StrAppendFormat(&out, "  schedule     scheduled %d = sent %d + owed unsent %d%s",
                          scheduled, sent, owed_unsent, Mark(ScheduleBalances()));
  }
  if (version >= 2) {
    absl::StrAppendFormat(&out,
                          "  bytes        received %d = parsed %d + unparsed %d + dropped at end "
                          "%d%s",
                          bytes_received, bytes_parsed, bytes_unparsed, bytes_dropped_at_end,
                          Mark(BytesBalance()));
  }
  return out;
}

}  // namespace client
