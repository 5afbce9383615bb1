// ClientConnection: one load connection's life: the non-blocking connect, sending requests,
// matching each reply to the request it answers, timing it, and accounting for every request
// when the connection ends.
#ifndef CLIENT_CLIENT_CONNECTION_H_
#define CLIENT_CLIENT_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "client/client_options.h"
#include "client/latency_histogram.h"
#include "client/load_stats.h"
#include "client/request_batch.h"
#include "client/response_verifier.h"
#include "client/warm_up.h"
#include "reactor/buffer.h"
#include "reactor/event_loop.h"
#include "reactor/socket_address.h"

namespace client {

class ClientConnection;

// What the connections of one thread report to their owner (the LoadGenerator).
class ConnectionHost {
 public:
  // The connect completed.
  virtual void OnConnected(ClientConnection* connection) = 0;
  // The connection is gone (connect failed, lost, or closed on a malformed reply). Its fd is
  // closed already; the host may reconnect it (not from inside this call: defer or use a timer).
  virtual void OnDisconnected(ClientConnection* connection, bool was_connected) = 0;
  // May the connection send another request now, at `sent_nanos`? (False once stopping or when
  // the --requests quota is spent; the quota counts measured requests only.)
  virtual bool TakeSendPermit(int64_t sent_nanos) = 0;
  // A request reached its end (answered, timed out or lost): lets the host see when a --requests
  // run is complete.
  virtual void OnRequestsResolved() = 0;
  // Fixed rate: the connection has a free pipeline slot and its next request is due at
  // `intended_nanos`; the host calls QueueDue() then (and flushes).
  virtual void WakeAt(ClientConnection* connection, int64_t intended_nanos) = 0;

 protected:
  ~ConnectionHost() = default;
};

// Per-second figures, reset by the host each second.
struct IntervalCounters {
  uint64_t responses = 0;
  uint64_t errors = 0;       // every non-ok end of a request, and connect failures
  LatencyHistogram latency;  // corrected
};

// What a thread's connections share. One loop thread uses it, so one scratch buffer serves every
// connection's reads, and a connection allocates only to hold a partial reply.
struct ClientContext {
  reactor::EventLoop* loop = nullptr;
  const ClientOptions* options = nullptr;
  LoadStats* stats = nullptr;
  IntervalCounters* interval = nullptr;
  ConnectionHost* host = nullptr;
  reactor::Buffer scratch;
  WarmUp warm_up;
  int64_t timeout_nanos = 0;
  int64_t connect_timeout_nanos = 0;
  // Requests one connection may have in flight: --pipeline in the closed loop, --max_in_flight
  // at a fixed rate (an open loop: only a server that stops answering ever reaches it).
  size_t max_in_flight = 1;
  // Fixed rate (rate_interval_nanos > 0): the thread's schedule is a grid of intended send
  // times, rate_origin_nanos + k * rate_interval_nanos. The connection of index i takes the
  // slots k = i, i + rate_stride, i + 2 * rate_stride, ...: its share, evenly interleaved.
  int64_t rate_origin_nanos = 0;
  double rate_interval_nanos = 0;
  size_t rate_stride = 1;
};

class ClientConnection : public reactor::EventHandler {
 public:
  // A connection's one state. Every change goes through SetState(), which knows the allowed
  // transitions; every entry point (events, timers, the host's calls) first checks the state
  // it acts in, so nothing booked for a connection that has since gone can act on it.
  //
  //   kIdle --Connect--> kConnecting --(handshake done)--> kConnected --BeginEnd--> kDraining
  //   kConnecting --(failed, timed out)--> kClosed        kDraining --(replies in, or the
  //   kConnected/kDraining/kClosing --(lost)--> kClosed      deadline: SHUT_WR)--> kClosing
  //   kClosed --Connect--> kConnecting (a reconnect)      kClosing --(EOF, deadline)--> kClosed
  enum class State {
    kIdle,        // not connected yet
    kConnecting,  // a non-blocking connect in progress
    kConnected,   // sending requests and reading replies
    kDraining,    // the run is over: sends nothing new, waits (bounded) for replies in flight
    kClosing,     // shut down for writing; reads (and drops) until the server's EOF
    kClosed,      // no fd; may connect again
  };
  static std::string_view StateName(State state);
  static constexpr size_t kReadChunkBytes = 64 * 1024;

  // `request` (not empty; its bytes, repeated for a pipelined batch) and `source` (may be null)
  // must outlive the connection: requests are sent from `request`'s bytes, never copied. `index` is
  // the connection's position among its thread's connections (which slots of the rate schedule are
  // its own); `slot` its number in the whole run.
  ClientConnection(ClientContext* context, size_t index, uint64_t slot, RequestBatch request,
                   std::unique_ptr<ResponseVerifier> verifier,
                   const reactor::SocketAddress* source);
  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Starts a non-blocking connect, from kIdle or kClosed only; false (and nothing counted) in
  // any other state. An immediate failure is counted and reported through OnDisconnected before
  // this returns (true: an attempt was made).
  bool Connect();
  // Sends one request meant to go at `intended_nanos` (open loop) or now (closed loop: pass the
  // current time). Only in kConnected. False if the connection was lost while sending.
  bool SendRequest(int64_t intended_nanos);
  // Queues one request without sending it: a batch (the pipeline's first window) then goes out
  // in one send with Flush(). `sent_nanos`: when it goes (now; Flush follows at once).
  void QueueRequest(int64_t intended_nanos, int64_t sent_nanos);
  // Sends queued output (kConnected or kDraining; elsewhere it does nothing); arms EPOLLOUT only
  // for what the socket does not take. False if the connection was lost.
  bool Flush();
  // Fixed rate: queues every request whose intended time has come while fewer than
  // max_in_flight are in flight (the caller flushes). Returns the intended time of the next
  // request if the connection then waits only for the clock, or 0 if it waits for a reply (or
  // sends no more). Requests owed while the connection was away are due at once: its schedule
  // runs from its first connect to the end of the run, whatever happens to the connection.
  int64_t QueueDue(int64_t now_nanos);
  // Times out requests older than --timeout and a connect older than --connect_timeout.
  void CheckTimeouts(int64_t now_nanos);

  // The end of the run, in three steps. BeginEnd: the measured run is over at `end_nanos`; what
  // the schedule owed and never sent is counted (and timed, as a lower bound); a connecting
  // connection is closed (connecting_at_end); a connected one starts draining. EndDrain: the
  // drain time is up (or nothing is in flight): what is still unanswered is counted in flight at
  // the end (timed as a lower bound), and the connection shuts down its sending side. CloseAtEnd:
  // closes whatever is still open (the close deadline). Each does nothing in states it does not
  // apply to. A connection that reaches kClosed while ending reports it through OnDisconnected.
  void BeginEnd(int64_t end_nanos);
  void EndDrain();
  void CloseAtEnd();

  State state() const { return state_; }
  // Connected, and the server has not announced a close.
  bool accepting_requests() const { return state_ == State::kConnected && !last_reply_seen_; }
  size_t index() const { return index_; }
  uint64_t slot() const { return slot_; }
  int fd() const { return fd_; }
  size_t in_flight() const { return in_flight_count_; }
  // The intended send time of the oldest request this connection owes an answer for: the oldest
  // in flight, or (fixed rate) the next one due and not yet sent. INT64_MAX if none by `now`.
  int64_t OldestOwedNanos(int64_t now) const;
  // Memory held for a partial reply: 0 unless one is pending.
  size_t input_capacity() const { return input_.capacity(); }
  // Failed connects, and connections lost before any verified (ok) reply, since the last
  // verified reply: the reconnect backoff grows with them.
  int consecutive_failures() const { return consecutive_failures_; }
  // The last connection ended because the server announced it (HTTP `Connection: close`, or a
  // body ended by the close), not by failing: the host reopens it at once even without
  // --reconnect, as a browser or wrk would. Cleared by the next Connect(), so a failed reopen is
  // a failure.
  bool closed_politely() const { return closed_politely_; }

  void OnEvents(uint32_t events) override;

  // Tests and benchmarks: takes an already connected fd (a socketpair end) as if a connect had
  // completed.
  void AdoptConnectedFdForTesting(int fd);

 private:
  struct InFlight {
    int64_t intended_nanos;
    int64_t sent_nanos;
    bool timed_out;
  };
  enum class LossCause { kEof, kReset, kMalformed };
  // The fixed-rate schedule has not started (no connect has completed yet).
  static constexpr uint64_t kNoSchedule = UINT64_MAX;

  // The one place state_ changes; aborts on a transition the diagram above does not have.
  void SetState(State next);
  // Counts a failed connect attempt under the cause `err` names; `step` (the call that failed:
  // "connect", "epoll_ctl", ...) goes into the detail of uncommon errors and picks the advice.
  void FailConnect(int err, std::string_view step);
  // Registers the fd with the loop for `events`, or changes its interest set. 0, or the errno.
  int Watch(uint32_t events);
  void CompleteConnect();
  void HandleReadable();
  // kClosing: reads and drops what the server still sends, until its EOF.
  void HandleClosingReadable();
  struct Parsed {
    size_t consumed = 0;     // bytes the verifier took
    bool malformed = false;  // a reply could not be parsed, or came with no request in flight
  };
  // Matches complete replies in `input` to in-flight requests. The caller drops what was not
  // consumed if the connection is no longer reading (lost, or ending) or the input is malformed.
  Parsed ProcessReplies(std::string_view input, int64_t now);
  // Accounts one complete reply to the oldest request in flight. True if that resolved the
  // request (false for a late answer: it was resolved when it timed out).
  bool AccountReply(const VerifyResult& result, int64_t now);
  // The peer closed: completes a reply delimited by the close, then loses the connection.
  void HandleEof();
  void Lose(LossCause cause, int err);
  // Records the in-flight requests, which will never be answered, as lower bounds of their
  // latency (now - intended): they stay in the corrected histogram instead of vanishing.
  void RecordUnansweredAsLowerBounds(int64_t now);
  // Records one request whose answer never came, `now` being the moment the client stopped
  // waiting for it.
  void RecordLowerBound(int64_t intended_nanos, int64_t sent_nanos, int64_t now);
  // Closes the fd (now in kClosed) and forgets in-flight requests (after the caller has counted
  // them).
  void CloseFd();
  void PushInFlight(const InFlight& entry);
  // Fixed rate: the intended send time of schedule slot `k`.
  int64_t IntendedTime(uint64_t k) const;
  // Fixed rate: the first schedule slot whose intended time is at or after `nanos`.
  uint64_t FirstSlotAtOrAfter(int64_t nanos) const;
  // Fixed rate: this connection's slots in [from, to): how many of k = index + j * stride.
  uint64_t OwnSlotsBetween(uint64_t from, uint64_t to) const;
  // Fixed rate: starts this connection's share of the schedule at its first slot at or after
  // `now`, on its first connect only: no request is owed for the time before the connection
  // existed (a connect ramp is not server latency), but from then on the schedule runs to the
  // end of the run, and a reconnect owes what the outage did not send.
  void StartSchedule(int64_t now);
  void NoteError(std::string_view detail);

  ClientContext* const context_;
  const size_t index_;
  const uint64_t slot_;
  const RequestBatch request_;
  std::unique_ptr<ResponseVerifier> verifier_;
  const reactor::SocketAddress* const source_;
  State state_ = State::kIdle;
  int fd_ = -1;
  int64_t connect_start_nanos_ = 0;
  uint64_t first_rate_slot_ = kNoSchedule;  // fixed rate: the schedule's first slot
  uint64_t rate_slot_ = kNoSchedule;        // fixed rate: the slot of the next request to send
  // Fixed rate: where the --requests quota stopped the schedule (later slots are not owed).
  uint64_t quota_stop_slot_ = kNoSchedule;
  int consecutive_failures_ = 0;
  uint64_t ok_responses_ = 0;            // over the object's life, across reconnects
  uint64_t connects_completed_ = 0;      // over the object's life
  bool verified_since_connect_ = false;  // an ok reply on the current connection
  bool last_reply_seen_ = false;         // the server announced its last reply on this connection
  bool closed_politely_ = false;
  bool in_flight_cap_hit_ = false;  // counted once per stretch at the cap
  int64_t end_nanos_ = 0;           // BeginEnd's time: the end of the measured run
  bool parsing_ = false;            // inside ProcessReplies (see CloseFd)

  // In-flight requests, oldest first: a ring that grows (doubling) only when full. Its size is a
  // power of two, so positions wrap with a mask.
  std::vector<InFlight> ring_;
  size_t ring_mask_;
  size_t ring_head_ = 0;
  size_t in_flight_count_ = 0;
  // The leading in-flight entries already marked timed out: the timeout scan starts after them.
  size_t timed_out_prefix_ = 0;

  reactor::Buffer input_;  // only a partial reply waiting for the rest; released once used
  // Queued requests the socket has not fully taken, and how much of the first it has.
  size_t unsent_requests_ = 0;
  size_t unsent_offset_ = 0;
};

}  // namespace client

#endif  // CLIENT_CLIENT_CONNECTION_H_
