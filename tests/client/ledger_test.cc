// Ledger: the two identities, cause classification, merge and the printed form.
#include "client/ledger.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace client {
namespace {

TEST(LedgerTest, BalancesOnlyWhenEveryAttemptAndRequestIsAccounted) {
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
