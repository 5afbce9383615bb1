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
  EXPECT_FALSE(l.ConnectionsBalance());
}

TEST(LedgerTest, MergeSumsEveryCounter) {
  Ledger a;
  a.attempted = a.connected = 3;
  a.sent = a.ok = 10;
  a.late = 1;
  Ledger b;
  b.attempted = 2;
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
