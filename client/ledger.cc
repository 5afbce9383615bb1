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

uint64_t Ledger::Count(std::string_view name) const {
  if (name == kConnectFailedTotal) return connect_failed_total();
  for (const LedgerField& field : kLedgerFields) {
    if (field.name == name) return this->*field.member;
  }
  return 0;
}

bool Ledger::Holds(const LedgerIdentity& identity) const {
  if (version < identity.since_version) return true;
  // A closed loop has no schedule (both sides zero).
  if (identity.schedule_only && scheduled == 0 && owed_unsent == 0) return true;
  uint64_t sum = 0;
  for (std::string_view part : identity.parts) {
    if (!part.empty()) sum += Count(part);
  }
  return Count(identity.total) == sum;
}

namespace {

bool HoldsKind(const Ledger& ledger, LedgerIdentity::Kind kind) {
  for (const LedgerIdentity& identity : kLedgerIdentities) {
    if (identity.kind == kind) return ledger.Holds(identity);
  }
  return false;
}

}  // namespace

bool Ledger::AttemptsBalance() const { return HoldsKind(*this, LedgerIdentity::Kind::kAttempts); }
bool Ledger::OriginsBalance() const { return HoldsKind(*this, LedgerIdentity::Kind::kOrigins); }
bool Ledger::LivesBalance() const { return HoldsKind(*this, LedgerIdentity::Kind::kLives); }
bool Ledger::RequestsBalance() const { return HoldsKind(*this, LedgerIdentity::Kind::kRequests); }
bool Ledger::ScheduleBalances() const { return HoldsKind(*this, LedgerIdentity::Kind::kSchedule); }
bool Ledger::BytesBalance() const { return HoldsKind(*this, LedgerIdentity::Kind::kBytes); }

bool Ledger::Balanced() const {
  for (const LedgerIdentity& identity : kLedgerIdentities) {
    if (!Holds(identity)) return false;
  }
  return true;
}

void Ledger::Merge(const Ledger& o) {
  for (const LedgerField& field : kLedgerFields) this->*field.member += o.*field.member;
  for (int i = 0; i < kConnectFailureCount; ++i) connect_failed[i] += o.connect_failed[i];
  version = std::min(version, o.version);
}

namespace {

const char* Mark(bool holds) { return holds ? "   [balanced]\n" : "   [UNBALANCED]\n"; }

std::string_view Label(std::string_view name) {
  if (name == kConnectFailedTotal) return "failed";
  for (const LedgerField& field : kLedgerFields) {
    if (field.name == name) return field.label;
  }
  return name;
}

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// "label N", the way every count of the printed form reads.
std::string LabelledCount(const Ledger& ledger, std::string_view name) {
  return absl::StrCat(Absl(Label(name)), " ", ledger.Count(name));
}

}  // namespace

std::string Ledger::Format() const {
  std::string out;
  for (const LedgerIdentity& identity : kLedgerIdentities) {
    if (version < identity.since_version) continue;
    if (identity.schedule_only && scheduled == 0 && owed_unsent == 0) continue;
    absl::StrAppendFormat(&out, "  %-13s%s =", Absl(identity.heading),
                          LabelledCount(*this, identity.total));
    const char* separator = " ";
    for (size_t i = 0; i < identity.parts.size() && !identity.parts[i].empty(); ++i) {
      const bool last = i + 1 == identity.parts.size() || identity.parts[i + 1].empty();
      if (last && identity.last_part_if_any && Count(identity.parts[i]) == 0) break;
      absl::StrAppend(&out, separator, LabelledCount(*this, identity.parts[i]));
      separator = " + ";
    }
    absl::StrAppend(&out, Mark(Holds(identity)));

    // What each line leaves to say.
    if (identity.kind == LedgerIdentity::Kind::kAttempts) {
      if (connect_failed_total() > 0) {
        absl::StrAppend(&out, "    failed by cause:");
        for (int i = 0; i < kConnectFailureCount; ++i) {
          if (connect_failed[i] == 0) continue;
          absl::StrAppend(&out, " ", Absl(ConnectFailureName(static_cast<ConnectFailure>(i))), " ",
                          connect_failed[i]);
        }
        absl::StrAppend(&out, "\n");
      }
      if (version < 2) {
        // Before connection lives were counted: what is known of them.
        absl::StrAppend(&out, "    lost after connecting: ", LabelledCount(*this, "closed_by_peer"),
                        ", ", LabelledCount(*this, "reset_by_peer"), ", ",
                        LabelledCount(*this, "closed_malformed"), "; ",
                        LabelledCount(*this, "reconnects"), "\n");
      }
    }
    if (identity.kind == LedgerIdentity::Kind::kRequests && late > 0) {
      absl::StrAppend(&out, "    ", Absl(Label("late")), ": ", late, "\n");
    }
  }
  return out;
}

}  // namespace client
