// CheckOutputBudget: drives a session through pipelined requests whose replies outgrow the output
// budget, as a connection would, and checks every call against the pause contract of
// reactor::ProtocolResult.
#ifndef TESTS_SERVER_OUTPUT_BUDGET_CHECK_H_
#define TESTS_SERVER_OUTPUT_BUDGET_CHECK_H_

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "reactor/protocol.h"
#include "tests/server/session_driver.h"

namespace server::testing {

// One pipelined request and the reply it must get (a view: replies of a megabyte are shared).
struct Exchange {
  std::string request;
  std::string_view reply;
};

// How the session's calls went.
struct BudgetRun {
  size_t calls = 0;
  size_t pauses = 0;
};

// Delivers the requests of `exchanges` back to back, `chunk` bytes at a time, calling the session
// again while it is paused before delivering more (the connection reads nothing meanwhile). Every
// call must consume whole requests only and answer exactly those, in order; produce less than the
// budget plus one reply; and pause if and only if its output reached the budget with input still
// unhandled (a paused session parses nothing more: what remains may be a partial request). In the
// end every request must have been answered once.
inline BudgetRun CheckOutputBudget(SessionDriver& driver, const std::vector<Exchange>& exchanges,
                                   size_t chunk) {
  std::string stream;
  std::vector<size_t> ends;  // ends[i]: where request i ends in the stream
  size_t largest_reply = 0;
  for (const Exchange& exchange : exchanges) {
    stream += exchange.request;
    ends.push_back(stream.size());
    largest_reply = std::max(largest_reply, exchange.reply.size());
  }
  BudgetRun run;
  size_t delivered = 0;  // bytes of the stream given to the session so far
  size_t handled = 0;    // bytes of the stream it has consumed so far
  size_t next = 0;       // the request whose reply is due next
  auto check_call = [&](const std::string& out) {
    ++run.calls;
    handled += driver.last_consumed();
    size_t at = 0;
    while (next < exchanges.size() && ends[next] <= handled) {
      const std::string_view reply = exchanges[next].reply;
      ASSERT_TRUE(out.compare(at, reply.size(), reply) == 0)
          << "call " << run.calls << ": reply " << next << " is wrong or out of order";
      at += reply.size();
      ++next;
    }
    ASSERT_EQ(at, out.size()) << "call " << run.calls << ": more output than replies";
    ASSERT_EQ(handled, next == 0 ? 0 : ends[next - 1])
        << "call " << run.calls << " stopped in the middle of request " << next;
    EXPECT_LT(out.size(), driver.output_budget() + largest_reply) << "call " << run.calls;
    const bool complete_request_waiting = next < exchanges.size() && ends[next] <= delivered;
    if (driver.paused()) {
      ++run.pauses;
      EXPECT_GE(out.size(), driver.output_budget()) << "call " << run.calls;
      EXPECT_LT(handled, delivered) << "call " << run.calls << " paused with no input left";
    } else {
      EXPECT_FALSE(complete_request_waiting) << "call " << run.calls << " left requests behind";
    }
  };
  while (delivered < stream.size() && !::testing::Test::HasFatalFailure()) {
    const size_t n = std::min(chunk, stream.size() - delivered);
    const std::string piece = stream.substr(delivered, n);
    delivered += n;
    check_call(driver.Feed(piece));
    while (driver.paused() && !::testing::Test::HasFatalFailure()) check_call(driver.Resume());
  }
  EXPECT_EQ(next, exchanges.size()) << "not every request was answered";
  EXPECT_EQ(driver.pending(), 0u);
  EXPECT_FALSE(driver.closed());
  return run;
}

}  // namespace server::testing

#endif  // TESTS_SERVER_OUTPUT_BUDGET_CHECK_H_
