// Connection: one accepted socket's life: reading into its input, handing bytes to its protocol
// session, writing the replies, backpressure, half-close and closing.
#ifndef REACTOR_CONNECTION_H_
#define REACTOR_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "reactor/buffer.h"
#include "reactor/deadline_list.h"
#include "reactor/event_loop.h"
#include "reactor/output_queue.h"
#include "reactor/protocol.h"
#include "reactor/server_stats.h"

namespace reactor {

struct ConnectionOptions {
  // Bytes asked of one recv. Large, as muduo found: fewer syscalls for bulk transfers; the
  // memory is the loop's shared scratch buffer.
  size_t read_chunk_bytes = 64 * 1024;
  // Reading pauses while more than `high_water_bytes` of output wait for a slow reader, and
  // resumes once they fall to `low_water_bytes` (or to the session's output budget, if lower):
  // a client that sends without reading cannot grow the server's memory without bound.
  size_t high_water_bytes = 4 * 1024 * 1024;
  size_t low_water_bytes = 1024 * 1024;
  // Output a session may owe before it stops answering requests until the output has been
  // delivered (see reactor::Output::full).
  size_t output_budget_bytes = kDefaultOutputBudgetBytes;
  // A graceful close with unread input waits this long for the peer to close its side (see
  // Connection::CloseGracefully); then the connection is cut.
  absl::Duration linger_timeout = absl::Seconds(5);
};

class Connection;

// The timeouts a server enforces, one DeadlineList per kind (each of one fixed duration), so
// that expiring them costs what expires, not a scan of every connection. A connection keeps its
// own place in each: it knows when a clock starts, stops or restarts; the server expires them.
struct ConnectionDeadlines {
  // No traffic either way (--idle_timeout).
  DeadlineList<Connection> idle{absl::ZeroDuration()};
  // An incomplete request, from accept or from the end of the previous request (--request_timeout).
  DeadlineList<Connection> request{absl::ZeroDuration()};
  // Between requests, with nothing owed (--keepalive_timeout).
  DeadlineList<Connection> keepalive{absl::ZeroDuration()};
  // Pending output that makes no progress (--send_timeout).
  DeadlineList<Connection> send{absl::ZeroDuration()};

  ConnectionDeadlines() = default;
  ConnectionDeadlines(absl::Duration idle_timeout, absl::Duration request_timeout,
                      absl::Duration keepalive_timeout, absl::Duration send_timeout)
      : idle(idle_timeout),
        request(request_timeout),
        keepalive(keepalive_timeout),
        send(send_timeout) {}
};

// What the loop's connections share. One loop thread uses it, so one set of scratch buffers
// serves every connection: a request that arrives whole and a reply that is sent whole never
// touch per-connection memory, and the steady state allocates nothing. A connection's own
// buffers hold only an incomplete request or output the socket would not take.
struct ConnectionContext {
  EventLoop* loop = nullptr;
  ConnectionOptions options;
  ServerStats* stats = nullptr;
  // Null: no timeouts (a connection driven on its own, as in tests).
  ConnectionDeadlines* deadlines = nullptr;
  Buffer scratch_input;
  OutputQueue scratch_output;
};

enum class CloseReason {
  kPeerClosed,      // the peer finished sending and everything owed was delivered
  kProtocol,        // the session asked to close (QUIT, protocol error, Connection: close)
  kReset,           // the peer reset the connection (ECONNRESET, EPIPE)
  kNetworkTimeout,  // the kernel gave up on the peer (ETIMEDOUT: keep-alive probes, retransmits)
  kError,           // any other socket error
  kTimeout,         // one of our timeouts: idle, request, keep-alive or send
  kServerClosing,   // shutdown
};

// Where a connection is in its life. Every transition is made by Connection::Settle (and
// Close), so what the connection waits for in each state is decided in one place:
//
//   kReading ----------> kPausedForBackpressure   output above the high-water mark
//      ^  \  <---------                           ...fell to the resume level
//      |   \---------> kPausedForBudget           the session stopped with requests unhandled
//      |  <-------------                           ...output fell to the resume level
//      v
//   kFlushing           no more input (peer's EOF, the session's close, drain): deliver, then
//      |                close, or linger if the peer is still sending
//      v
//   kLingering --------> kClosed                   the peer's EOF or the linger timeout
//
// Any state goes to kClosed on an error, a timeout or a forced shutdown.
enum class ConnectionState {
  kReading,                // reading requests and answering them
  kPausedForBackpressure,  // not reading: too much output waits for a slow reader
  kPausedForBudget,        // not reading: complete requests wait until output drains
  kFlushing,               // not reading: delivering what is owed before closing
  kLingering,              // FIN sent: discarding input until the peer's FIN
  kClosed,
};

// Told when a connection has closed its fd (`closed_fd` is the number it had). The connection
// must not be destroyed inside this call (its handler may still be on the stack); defer the
// destruction with EventLoop::Defer.
class ConnectionObserver {
 public:
  virtual void OnConnectionClosed(Connection* connection, int closed_fd, CloseReason reason) = 0;

 protected:
  ~ConnectionObserver() = default;
};

// Owns an accepted, non-blocking socket and its protocol session.
//
// Reads: one recv of up to `read_chunk_bytes` per readiness event (level-triggered: a busy peer
// gets its turn again next iteration, after everyone else). Bytes go to the shared scratch input;
// only the tail of an incomplete request is kept in this connection's own input.
// Writes: replies are sent as soon as the session produces them, before the loop sleeps again;
// only what the socket does not take is kept, and EPOLLOUT is armed only while it waits. So an
// ordinary request costs a recv and a send and no epoll_ctl. Output with shared blocks in it (a
// large HTTP body) goes out with one sendmsg of the pieces instead of the send.
// A session that pauses for output (see ProtocolResult) stops the reading until its output has
// been delivered, so pipelined requests for large replies never pile up unbounded output.
// End of input (recv returns 0): whatever is owed is still delivered, then the socket closes.
// Closing on our side (QUIT, an error reply, shutdown) lingers while the peer is still sending,
// so our last replies are not destroyed by an RST.
class Connection : public EventHandler {
 public:
  Connection(ConnectionContext* context, int fd, std::unique_ptr<Protocol> session,
             ConnectionObserver* observer);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Registers with the loop. On failure the fd is closed and the observer is not called.
  absl::Status Start();
  // Registers a connection the server will not serve (the session may be null), sends it
  // `message` and closes it as gracefully as any other close. Same failure contract as Start.
  absl::Status StartRefusal(std::string_view message);

  // Closes now, dropping undelivered output. Safe from inside this connection's own handler.
  void Close(CloseReason reason);
  // Closes with a reset, dropping what the kernel still holds for the peer too: for a peer that
  // stopped reading, whose FIN would otherwise wait behind megabytes it will never take.
  void Abort(CloseReason reason);
  // Whether the peer has taken bytes since the send clock started, though the socket never
  // became writable enough for us to notice (the kernel wakes a writer only once half of what
  // it holds has gone). If so, restarts the send clock. For the server's send timeout.
  bool RestartSendClockIfPeerIsReading();
  // Stops reading and closes once pending output is delivered (at once if there is none). Tells
  // the session first so it can say goodbye in its protocol.
  void Drain();

  int fd() const { return fd_; }
  ConnectionState state() const { return state_; }
  bool closed() const { return state_ == ConnectionState::kClosed; }
  bool reading() const { return state_ == ConnectionState::kReading; }
  // Nothing owed and no partial request held: closing loses nothing.
  bool idle() const { return output_.empty() && input_.empty(); }
  size_t pending_output_bytes() const { return output_.size(); }
  size_t buffered_input_bytes() const { return input_.size(); }
  // Bytes of memory this connection holds: its own buffers and its session's state (0 when idle).
  size_t buffer_capacity() const {
    return input_.capacity() + output_.capacity() + (session_ ? session_->memory_bytes() : 0);
  }
  int64_t last_activity_nanos() const { return last_activity_nanos_; }

  void OnEvents(uint32_t events) override;

 private:
  void HandleReadable();
  // Hands buffered input to the session and sends what it replies.
  void ProcessInput(Buffer& input);
  // Sends from `buffer` until it is empty or the socket is full. False if the connection closed.
  bool SendFrom(OutputQueue& queue);
  void HandleWritable();
  // Ends reading: what is owed is delivered, then the connection closes for `reason`.
  void StopReading(CloseReason reason);
  // The one place of state transitions: after anything happened, moves to the state the
  // buffers call for, closes when nothing more can happen, starts and stops the deadlines the
  // state runs, and sets the epoll interest the state needs.
  void Settle();
  void UpdateDeadlines();
  // Closes after everything owed was written, without letting unread input turn the close into
  // an RST that would destroy those replies in flight.
  void CloseGracefully(CloseReason reason);
  // While lingering: reads and drops input until the peer's EOF.
  void DiscardUntilPeerCloses();
  // Output at or below which a paused connection goes on.
  size_t resume_bytes() const;
  // Brings the server's buffered-bytes gauges up to date with this connection's buffers.
  void CountBuffered();

  ConnectionContext* const context_;
  int fd_;
  std::unique_ptr<Protocol> session_;
  ConnectionObserver* const observer_;
  ConnectionState state_ = ConnectionState::kReading;
  Buffer input_;        // only an incomplete request waiting for the rest
  OutputQueue output_;  // only what the socket would not take yet
  // kFlushing: why the connection closes once its output is delivered (kPeerClosed: the peer
  // finished; a plain close. Otherwise we end it: a graceful close).
  CloseReason finish_reason_ = CloseReason::kProtocol;
  bool drain_requested_ = false;    // the server is closing: stop once no request is in progress
  bool request_completed_ = false;  // a request finished since the last bytes arrived
  TimerId linger_timer_ = 0;
  int64_t last_activity_nanos_ = 0;
  int unsent_at_send_clock_ = 0;  // the kernel's unsent bytes when the send clock started
  size_t counted_input_ = 0;      // input_.size() as the gauges last counted it
  size_t counted_output_ = 0;
  DeadlineList<Connection>::Node idle_deadline_{this};
  DeadlineList<Connection>::Node request_deadline_{this};
  DeadlineList<Connection>::Node keepalive_deadline_{this};
  DeadlineList<Connection>::Node send_deadline_{this};
};

}  // namespace reactor

#endif  // REACTOR_CONNECTION_H_
