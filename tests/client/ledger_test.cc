// Ledger: the two identities, cause classification, merge and the printed form.
#include "client/ledger.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace client {
namespace {

// A closed-loop ledger in which every identity holds.
Ledger BalancedLedger() {
  Ledger l;
  l.attempted = 10;
  l.connected = 7;
  l.connect_failed[static_cast<int>(ConnectFailure::kRefused)] = 2;
  l.connecting_at_end = 1;
  l.initial_connects = 8;
  l.reconnects = 2;
  l.closed_by_peer = 3;
  l.reset_by_peer = 1;
  l.closed_at_end = 2;
  l.cut_at_end = 1;
  l.sent = 100;
  l.ok = 90;
  l.mismatched = 1;
  l.reset = 2;
  l.eof = 3;
  l.timed_out = 1;
  l.in_flight_at_end = 3;
  return l;
}

TEST(LedgerTest, BalancesOnlyWhenEveryAttemptAndRequestIsAccounted) {
  Ledger l = BalancedLedger();
  EXPECT_TRUE(l.Balanced());
  EXPECT_NE(l.Format().find("[balanced]"), std::string::npos);
  ++l.ok;
  EXPECT_FALSE(l.RequestsBalance());
  EXPECT_NE(l.Format().find("[UNBALANCED]"), std::string::npos);
  --l.ok;
  ++l.attempted;
  EXPECT_FALSE(l.AttemptsBalance());
  EXPECT_FALSE(l.OriginsBalance());
  --l.attempted;
  ++l.closed_at_end;
  EXPECT_FALSE(l.LivesBalance());
  EXPECT_FALSE(l.Balanced());
  --l.closed_at_end;
  EXPECT_TRUE(l.Balanced());
}

TEST(LedgerTest, TheScheduleBalancesOnlyWhenEverySlotWasSentOrIsOwed) {
  Ledger l;
  l.sent = l.ok = 90;
  l.scheduled = 100;
  EXPECT_FALSE(l.ScheduleBalances());
  EXPECT_NE(l.Format().find("[UNBALANCED]"), std::string::npos);
  l.owed_unsent = 10;
  EXPECT_TRUE(l.ScheduleBalances());
  EXPECT_NE(l.Format().find("scheduled 100 = sent 90 + owed unsent 10"), std::string::npos);
}

TEST(LedgerTest, AVersionOneLedgerIsCheckedByTheIdentitiesItCanSatisfy) {
  // Read from a document written before initial connects and connection ends were counted.
  Ledger l;
  l.version = 1;
  l.attempted = l.connected = 3;
  l.reconnects = 1;
  l.sent = l.ok = 10;
  EXPECT_TRUE(l.Balanced());
  Ledger current;
  current.Merge(l);
  EXPECT_EQ(current.version, 1);
}

// The printed form, line for line: the identities' text is generated from the field table, and
// this pins it to what it was when each line was written by hand.
TEST(LedgerTest, FormatPrintsEveryIdentityAndItsMark) {
  Ledger l = BalancedLedger();
  l.attempted = 12;
  l.connect_failed[static_cast<int>(ConnectFailure::kTimedOut)] = 1;
  l.connecting_at_end = 2;
  l.reconnects = 4;
  l.late = 1;
  l.scheduled = 105;
  l.owed_unsent = 4;
  l.bytes_received = 700;
  l.bytes_parsed = 690;
  l.bytes_unparsed = 6;
  l.bytes_dropped_at_end = 4;
  EXPECT_EQ(l.Format(),
            "  connections  attempted 12 = connected 7 + failed 3 + connecting 2   [balanced]\n"
            "    failed by cause: ECONNREFUSED 2 ETIMEDOUT 1\n"
            "               attempted 12 = initial 8 + reconnects 4   [balanced]\n"
            "               connected 7 = closed by server 3 + reset 1 + closed on a malformed "
            "reply 0 + closed at end 2 + cut at end 1   [balanced]\n"
            "  requests     sent 100 = ok 90 + error replies 0 + mismatched 1 + reset 2 + eof 3 "
            "+ timed out 1 + in flight at end 3   [balanced]\n"
            "    late answers (after timing out): 1\n"
            "  schedule     scheduled 105 = sent 100 + owed unsent 4   [UNBALANCED]\n"
            "  bytes        received 700 = parsed 690 + unparsed 6 + dropped at end 4   "
            "[balanced]\n");

  Ledger closed_loop;
  closed_loop.attempted = closed_loop.connected = closed_loop.initial_connects = 1;
  closed_loop.cut_at_end = 1;
  closed_loop.sent = closed_loop.ok = 5;
  EXPECT_EQ(closed_loop.Format(),
            "  connections  attempted 1 = connected 1 + failed 0   [balanced]\n"
            "               attempted 1 = initial 1 + reconnects 0   [balanced]\n"
            "               connected 1 = closed by server 0 + reset 0 + closed on a malformed "
            "reply 0 + closed at end 0 + cut at end 1   [balanced]\n"
            "  requests     sent 5 = ok 5 + error replies 0 + mismatched 0 + reset 0 + eof 0 + "
            "timed out 0 + in flight at end 0   [balanced]\n"
            "  bytes        received 0 = parsed 0 + unparsed 0 + dropped at end 0   [balanced]\n");

  Ledger old;
  old.version = 1;
  old.attempted = old.connected = 3;
  old.closed_by_peer = 2;
  old.reconnects = 1;
  old.sent = old.ok = 10;
  EXPECT_EQ(old.Format(),
            "  connections  attempted 3 = connected 3 + failed 0   [balanced]\n"
            "    lost after connecting: closed by server 2, reset 0, closed on a malformed reply "
            "0; reconnects 1\n"
            "  requests     sent 10 = ok 10 + error replies 0 + mismatched 0 + reset 0 + eof 0 + "
            "timed out 0 + in flight at end 0   [balanced]\n");
}

TEST(LedgerTest, MergeSumsEveryCounter) {
  Ledger a;
  a.attempted = a.connected = a.initial_connects = 3;
  a.closed_at_end = 2;
  a.sent = a.ok = 10;
  a.late = 1;
  Ledger b;
  b.attempted = b.initial_connects = 2;
  b.connect_failed[static_cast<int>(ConnectFailure::kTooManyFiles)] = 2;
  b.sent = 5;
  b.error_replies = 5;
  b.closed_malformed = 1;
  a.Merge(b);
  EXPECT_EQ(a.attempted, 5u);
  EXPECT_EQ(a.connect_failed_total(), 2u);
  EXPECT_EQ(a.sent, 15u);
  EXPECT_EQ(a.late, 1u);
  EXPECT_EQ(a.closed_malformed, 1u);
  EXPECT_TRUE(a.Balanced());
}

TEST(LedgerTest, ConnectErrnosMapToCauses) {
  EXPECT_EQ(ConnectFailureFromErrno(ECONNREFUSED), ConnectFailure::kRefused);
  EXPECT_EQ(ConnectFailureFromErrno(ETIMEDOUT), ConnectFailure::kTimedOut);
  EXPECT_EQ(ConnectFailureFromErrno(EADDRNOTAVAIL), ConnectFailure::kAddrNotAvail);
  EXPECT_EQ(ConnectFailureFromErrno(EMFILE), ConnectFailure::kTooManyFiles);
  EXPECT_EQ(ConnectFailureFromErrno(ENFILE), ConnectFailure::kTooManyFiles);
  EXPECT_EQ(ConnectFailureFromErrno(EHOSTUNREACH), ConnectFailure::kOther);
}

}  // namespace
}  // namespace client
