// Ledger: the client's accounting of every connection attempt, connection and request, kept so
// that each one ends under exactly one cause, and checked by identities between counts that are
// kept independently (in different places of the code), so that a miscount shows.
#ifndef CLIENT_LEDGER_H_
#define CLIENT_LEDGER_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace client {

// Why a connect attempt failed.
enum class ConnectFailure {
  kRefused,       // ECONNREFUSED: nothing listening
  kTimedOut,      // ETIMEDOUT, or --connect_timeout passed
  kAddrNotAvail,  // EADDRNOTAVAIL: out of ephemeral ports for a source address
  kTooManyFiles,  // EMFILE / ENFILE: the fd limit
  kOther,
};
inline constexpr int kConnectFailureCount = 5;
std::string_view ConnectFailureName(ConnectFailure cause);
// Classifies a connect errno.
ConnectFailure ConnectFailureFromErrno(int err);

struct LedgerIdentity;

// Counters are plain integers: each LoadGenerator thread owns one Ledger, and the run's ledger is
// the exact sum of them (`Merge`).
//
// The identities every run must satisfy, each between counts kept in different places, are
// kLedgerIdentities below: attempts, origins (initial or reconnect), lives (how each connection
// ended), requests, the schedule (fixed rate only) and bytes. A ledger read from a version-1
// document (before origins, lives and the schedule were counted) is checked by the attempts and
// requests identities only.
struct Ledger {
  // Connections.
  uint64_t attempted = 0;
  uint64_t connected = 0;
  std::array<uint64_t, kConnectFailureCount> connect_failed{};
  uint64_t connecting_at_end = 0;  // attempts the run ended before they resolved
  uint64_t initial_connects = 0;   // first connects of the run's connections
  uint64_t reconnects = 0;         // connects started to replace a lost or failed connection
  uint64_t closed_by_peer = 0;     // established connections the server closed (EOF)
  uint64_t reset_by_peer = 0;      // established connections lost to ECONNRESET and other errors
  uint64_t closed_malformed = 0;   // established connections we closed on an unparsable reply
  uint64_t closed_at_end = 0;      // ended by the client at the end, the server's EOF seen
  uint64_t cut_at_end = 0;         // ended by the client at the end without the server's EOF

  // Requests.
  uint64_t sent = 0;
  uint64_t ok = 0;
  uint64_t error_replies = 0;     // well-formed answers that say no: RESP -ERR, HTTP non-2xx
  uint64_t mismatched = 0;        // wrong bytes, or a reply that could not be parsed
  uint64_t reset = 0;             // in flight on a connection lost to an error
  uint64_t eof = 0;               // in flight on a connection the server closed
  uint64_t timed_out = 0;         // no answer within --timeout
  uint64_t in_flight_at_end = 0;  // unanswered when the end's drain time was up
  // Answers that arrived after their request had timed out. Those requests are in `sent` and
  // resolved as `timed_out`; `late` only says that an answer came after all.
  uint64_t late = 0;

  // Fixed rate: the schedule's intended sends before the end, and those never sent.
  uint64_t scheduled = 0;
  uint64_t owed_unsent = 0;

  // Bytes read from the server (all, warm-up included), and where they went: taken by the reply
  // parsers, dropped unparsed (a partial reply at a close, input after a malformed reply), or
  // read and dropped while closing at the end.
  uint64_t bytes_received = 0;
  uint64_t bytes_parsed = 0;
  uint64_t bytes_unparsed = 0;
  uint64_t bytes_dropped_at_end = 0;

  // 1: counts from a document written before the origins, lives and schedule were kept.
  int version = 2;

  uint64_t connect_failed_total() const;
  // The count a field of kLedgerFields (or kConnectFailedTotal) names.
  uint64_t Count(std::string_view name) const;
  // Whether an identity of kLedgerIdentities holds (or does not apply to this ledger).
  bool Holds(const LedgerIdentity& identity) const;
  bool AttemptsBalance() const;
  bool OriginsBalance() const;
  bool LivesBalance() const;
  bool RequestsBalance() const;
  bool ScheduleBalances() const;
  bool BytesBalance() const;
  bool Balanced() const;
  void Merge(const Ledger& other);
  // The aligned, printed form, with the identities and whether each holds.
  std::string Format() const;
};

// The ledger's counters, declared once: the merge, the printed form, the JSON writer and reader
// walk this table. `name` is the JSON key, `label` the printed one. (connect_failed is an array
// keyed by ConnectFailureName, walked next to it; its total prints as "failed".)
struct LedgerField {
  std::string_view name;
  std::string_view label;
  uint64_t Ledger::*member;
};
inline constexpr LedgerField kLedgerFields[] = {
    {"attempted", "attempted", &Ledger::attempted},
    {"connected", "connected", &Ledger::connected},
    {"connecting_at_end", "connecting", &Ledger::connecting_at_end},
    {"initial_connects", "initial", &Ledger::initial_connects},
    {"reconnects", "reconnects", &Ledger::reconnects},
    {"closed_by_peer", "closed by server", &Ledger::closed_by_peer},
    {"reset_by_peer", "reset", &Ledger::reset_by_peer},
    {"closed_malformed", "closed on a malformed reply", &Ledger::closed_malformed},
    {"closed_at_end", "closed at end", &Ledger::closed_at_end},
    {"cut_at_end", "cut at end", &Ledger::cut_at_end},
    {"sent", "sent", &Ledger::sent},
    {"ok", "ok", &Ledger::ok},
    {"error_replies", "error replies", &Ledger::error_replies},
    {"mismatched", "mismatched", &Ledger::mismatched},
    {"reset", "reset", &Ledger::reset},
    {"eof", "eof", &Ledger::eof},
    {"timed_out", "timed out", &Ledger::timed_out},
    {"in_flight_at_end", "in flight at end", &Ledger::in_flight_at_end},
    {"late", "late answers (after timing out)", &Ledger::late},
    {"scheduled", "scheduled", &Ledger::scheduled},
    {"owed_unsent", "owed unsent", &Ledger::owed_unsent},
    {"bytes_received", "received", &Ledger::bytes_received},
    {"bytes_parsed", "parsed", &Ledger::bytes_parsed},
    {"bytes_unparsed", "unparsed", &Ledger::bytes_unparsed},
    {"bytes_dropped_at_end", "dropped at end", &Ledger::bytes_dropped_at_end},
};
// The name under which the identities refer to the connect failures' total.
inline constexpr std::string_view kConnectFailedTotal = "connect_failed";

// The identities, declared once: checking and printing both walk this table. Each says
// `total = parts[0] + parts[1] + ...`, by the field names above.
struct LedgerIdentity {
  enum class Kind { kAttempts, kOrigins, kLives, kRequests, kSchedule, kBytes };
  Kind kind;
  std::string_view heading;  // the printed line's heading; empty continues the one above
  std::string_view total;
  std::array<std::string_view, 7> parts;  // unused entries are empty
  int since_version;                      // ledgers of an older version did not keep these counts
  bool last_part_if_any;                  // the last part is printed only when it is not zero
  bool schedule_only;                     // holds only in a run with a schedule (fixed rate)
};
inline constexpr LedgerIdentity kLedgerIdentities[] = {
    {LedgerIdentity::Kind::kAttempts,
     "connections",
     "attempted",
     {"connected", kConnectFailedTotal, "connecting_at_end"},
     1,
     true,
     false},
    {LedgerIdentity::Kind::kOrigins,
     "",
     "attempted",
     {"initial_connects", "reconnects"},
     2,
     false,
     false},
    {LedgerIdentity::Kind::kLives,
     "",
     "connected",
     {"closed_by_peer", "reset_by_peer", "closed_malformed", "closed_at_end", "cut_at_end"},
     2,
     false,
     false},
    {LedgerIdentity::Kind::kRequests,
     "requests",
     "sent",
     {"ok", "error_replies", "mismatched", "reset", "eof", "timed_out", "in_flight_at_end"},
     1,
     false,
     false},
    {LedgerIdentity::Kind::kSchedule,
     "schedule",
     "scheduled",
     {"sent", "owed_unsent"},
     2,
     false,
     true},
    {LedgerIdentity::Kind::kBytes,
     "bytes",
     "bytes_received",
     {"bytes_parsed", "bytes_unparsed", "bytes_dropped_at_end"},
     2,
     false,
     false},
};

}  // namespace client

#endif  // CLIENT_LEDGER_H_
