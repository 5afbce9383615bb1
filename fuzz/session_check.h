// The properties every session fuzz target checks, on the bytes a connection would hand a
// protocol session: the stream is delivered whole, then cut at random points (and byte by byte
// when short), calling the session again while it is paused for output, as a connection does.
//  - Every delivery gets the same output and ends the same way (closed, or the same bytes left).
//  - No call consumes more than it was shown.
//  - A call's output stays under the budget (kDefaultOutputBudgetBytes) plus one reply; a paused
//    call produced at least the budget.
//  - A protocol-specific check of each call's output (`check_call`), e.g. that an error reply
//    ends the output and closes the connection, so nothing behind a bad request is parsed.
// A failure aborts, which libFuzzer reports.
#ifndef FUZZ_SESSION_CHECK_H_
#define FUZZ_SESSION_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/testing/split_driver.h"
#include "reactor/buffer.h"
#include "reactor/protocol.h"

namespace fuzz {

inline constexpr size_t kSessionByteByByteLimit = 512;

[[noreturn]] inline void SessionFailure(const char* how, const std::string& what) {
  std::fprintf(stderr, "%s delivery: %s\n", how, what.c_str());
  std::abort();
}

// How one delivery of a stream went.
struct SessionRun {
  std::string output;
  bool closed = false;
  size_t left = 0;  // unconsumed bytes at the end (not closed)
  bool operator==(const SessionRun&) const = default;
};

// Delivers `stream` cut at `cuts` to `session`. `check_call(output, result)` returns an empty
// string when the call's output is right, else what is wrong.
template <typename CheckCall>
SessionRun DeliverToSession(reactor::Protocol& session, std::string_view stream,
                            const std::vector<size_t>& cuts, size_t max_reply, const char* how,
                            CheckCall check_call) {
  SessionRun run;
  std::string input;
  size_t fed = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(stream.size());
  for (size_t end : ends) {
    if (end <= fed || end > stream.size()) continue;
    input.append(stream.substr(fed, end - fed));
    fed = end;
    bool paused = true;
    while (paused) {  // a paused session is called again, with no new bytes, once output is sent
      reactor::OutputQueue queue;
      reactor::Output output(queue, reactor::kDefaultOutputBudgetBytes);
      const reactor::ProtocolResult result = session.OnInput(input, output);
      const std::string out = queue.ToString();
      if (result.consumed > input.size()) {
        SessionFailure(how, "consumed " + std::to_string(result.consumed) + " of " +
                                std::to_string(input.size()));
      }
      if (out.size() >= reactor::kDefaultOutputBudgetBytes + max_reply) {
        SessionFailure(how, "one call wrote " + std::to_string(out.size()) + " bytes");
      }
      if (result.paused_for_output && out.size() < reactor::kDefaultOutputBudgetBytes) {
        SessionFailure(how, "paused with only " + std::to_string(out.size()) + " bytes of output");
      }
      if (const std::string wrong = check_call(out, result); !wrong.empty()) {
        SessionFailure(how, wrong);
      }
      run.output.append(out);
      input.erase(0, result.consumed);
      if (result.close_after_output) {
        run.closed = true;
        return run;  // the connection reads nothing more
      }
      paused = result.paused_for_output;
    }
  }
  run.left = input.size();
  return run;
}

// Runs every delivery of `stream` through fresh sessions from `new_session()` and compares them.
template <typename NewSession, typename CheckCall>
void CheckSessionDeliveries(uint64_t seed, std::string_view stream, size_t max_reply,
                            NewSession new_session, CheckCall check_call) {
  const SessionRun whole = DeliverToSession(*new_session(), stream, protocol::testing::NoCuts(),
                                            max_reply, "whole", check_call);
  auto compare = [&](const std::vector<size_t>& cuts, const char* how) {
    const SessionRun split =
        DeliverToSession(*new_session(), stream, cuts, max_reply, how, check_call);
    if (split == whole) return;
    size_t at = 0;
    while (at < whole.output.size() && at < split.output.size() &&
           whole.output[at] == split.output[at]) {
      ++at;
    }
    const size_t from = at < 40 ? 0 : at - 40;
    SessionFailure(
        how, "differs from the whole delivery: closed " + std::to_string(whole.closed) + " vs " +
                 std::to_string(split.closed) + ", left " + std::to_string(whole.left) + " vs " +
                 std::to_string(split.left) + ", output " + std::to_string(whole.output.size()) +
                 " vs " + std::to_string(split.output.size()) + " bytes, first difference at " +
                 std::to_string(at) +
                 ":\n  whole: " + protocol::testing::Escape(whole.output.substr(from, 120)) +
                 "\n  split: " + protocol::testing::Escape(split.output.substr(from, 120)));
  };
  compare(protocol::testing::RandomCuts(stream.size(), seed), "random split");
  if (stream.size() <= kSessionByteByByteLimit) {
    compare(protocol::testing::ByteByByteCuts(stream.size()), "byte by byte");
  }
}

}  // namespace fuzz

#endif  // FUZZ_SESSION_CHECK_H_
