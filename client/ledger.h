// Ledger: the client's accounting of every connection attempt and every request, kept so that
// each one ends under exactly one cause and the totals can be proven to balance.
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
// The two identities every run must satisfy:
//   attempted = connected + sum(connect_failed[cause]) + connecting_at_end
//   sent      = ok + error_replies + mismatched + reset + eof + timed_out + in_flight_at_end
// `connecting_at_end` is the attempts the run ended before they resolved.
struct Ledger {
  // Connections.
  uint64_t attempted = 0;
  uint64_t connected = 0;
  std::array<uint64_t, kConnectFailureCount> connect_failed{};
  uint64_t connecting_at_end = 0;
  uint64_t closed_by_peer = 0;    // established connections the server closed (EOF)
  uint64_t reset_by_peer = 0;     // established connections lost to ECONNRESET and other errors
  uint64_t closed_malformed = 0;  // established connections we closed on an unparsable reply
  uint64_t reconnects = 0;        // attempts that replaced a lost connection

  // Requests.
  uint64_t sent = 0;
  uint64_t ok = 0;
  uint64_t error_replies = 0;  // well-formed answers that say no: RESP -ERR, HTTP non-2xx
  uint64_t mismatched = 0;     // wrong bytes, or a reply that could not be parsed
  uint64_t reset = 0;          // in flight on a connection lost to an error
  uint64_t eof = 0;            // in flight on a connection the server closed
  uint64_t timed_out = 0;      // no answer within --timeout
  uint64_t in_flight_at_end = 0;
  // Answers that arrived after their request had timed out. Those requests are in `sent` and
  // resolved as `timed_out`; `late` only says that an answer came after all.
  uint64_t late = 0;

  uint64_t connect_failed_total() const;
  bool ConnectionsBalance() const;
  bool RequestsBalance() const;
  bool Balanced() const { return ConnectionsBalance() && RequestsBalance(); }
  void Merge(const Ledger& other);
  // The aligned, printed form, with the two identities and whether they hold.
  std::string Format() const;
};

}  // namespace client

#endif  // CLIENT_LEDGER_H_
