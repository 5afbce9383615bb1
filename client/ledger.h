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

// Counters are plain integers: each LoadGenerator thread owns one Ledger, and the run's ledger is
// the exact sum of them (`Merge`).
//
// The identities every run must satisfy, each between counts kept in different places:
//   attempts:  attempted = connected + sum(connect_failed[cause]) + connecting_at_end
//   origins:   attempted = initial_connects + reconnects
//   lives:     connected = closed_by_peer + reset_by_peer + closed_malformed + closed_at_end
//                          + cut_at_end
//   requests:  sent      = ok + error_replies + mismatched + reset + eof + timed_out
//                          + in_flight_at_end
//   schedule:  scheduled = sent + owed_unsent          (fixed rate only)
//   bytes:     bytes_received = bytes_parsed + bytes_unparsed + bytes_dropped_at_end
// A ledger read from a version-1 document (before origins, lives and the schedule were counted)
// is checked by the attempts and requests identities only.
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

// The ledger's counters, declared once: the merge, the JSON writer and reader walk this table.
// (connect_failed is an array keyed by ConnectFailureName, walked next to it.)
struct LedgerField {
  std::string_view name;
  uint64_t Ledger::*member;
};
inline constexpr LedgerField kLedgerFields[] = {
    {"attempted", &Ledger::attempted},
    {"connected", &Ledger::connected},
    {"connecting_at_end", &Ledger::connecting_at_end},
    {"initial_connects", &Ledger::initial_connects},
    {"reconnects", &Ledger::reconnects},
    {"closed_by_peer", &Ledger::closed_by_peer},
    {"reset_by_peer", &Ledger::reset_by_peer},
    {"closed_malformed", &Ledger::closed_malformed},
    {"closed_at_end", &Ledger::closed_at_end},
    {"cut_at_end", &Ledger::cut_at_end},
    {"sent", &Ledger::sent},
    {"ok", &Ledger::ok},
    {"error_replies", &Ledger::error_replies},
    {"mismatched", &Ledger::mismatched},
    {"reset", &Ledger::reset},
    {"eof", &Ledger::eof},
    {"timed_out", &Ledger::timed_out},
    {"in_flight_at_end", &Ledger::in_flight_at_end},
    {"late", &Ledger::late},
    {"scheduled", &Ledger::scheduled},
    {"owed_unsent", &Ledger::owed_unsent},
    {"bytes_received", &Ledger::bytes_received},
    {"bytes_parsed", &Ledger::bytes_parsed},
    {"bytes_unparsed", &Ledger::bytes_unparsed},
    {"bytes_dropped_at_end", &Ledger::bytes_dropped_at_end},
};

}  // namespace client

#endif  // CLIENT_LEDGER_H_
