// Connection: one accepted socket's life: reading into its input, handing bytes to its protocol
// session, writing the replies, backpressure, half-close and closing.
#ifndef REACTOR_CONNECTION_H_
#define REACTOR_CONNECTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "reactor/buffer.h"
#include "reactor/event_loop.h"
#include "reactor/protocol.h"
#include "reactor/server_stats.h"

namespace reactor {

struct ConnectionOptions {
  // Bytes asked of one recv. Large, as muduo found: fewer syscalls for bulk transfers; the
  // memory is the loop's shared scratch buffer.
  size_t read_chunk_bytes = 64 * 1024;
  // Reading pauses while more than `high_water_bytes` of output wait for a slow reader, and
  // resumes once they fall to `low_water_bytes`: a client that sends without reading cannot grow
  // the server's memory without bound.
  size_t high_water_bytes = 4 * 1024 * 1024;
  size_t low_water_bytes = 1024 * 1024;
  // A graceful close with unread input waits this long for the peer to close its side (see
  // Connection::CloseGracefully); then the connection is cut.
  absl::Duration linger_timeout = absl::Seconds(5);
};

// What the loop's connections share. One loop thread uses it, so one set of scratch buffers
// serves every connection: a request that arrives whole and a reply that is sent whole never
// touch per-connection memory, and the steady state allocates nothing. A connection's own
// buffers hold only an incomplete request or output the socket would not take.
struct ConnectionContext {
  EventLoop* loop = nullptr;
  ConnectionOptions options;
  ServerStats* stats = nullptr;
  Buffer scratch_input;
  Buffer scratch_output;
};

enum class CloseReason {
  kPeerClosed,     // the peer finished sending and everything owed was delivered
  kProtocol,       // the session asked to close (QUIT, protocol error, Connection: close)
  kReset,          // the peer reset the connection (ECONNRESET, EPIPE, EPOLLERR)
  kError,          // any other socket error
  kTimeout,        // idle, request or send timeout
  kServerClosing,  // shutdown
};

class Connection;

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
// ordinary request costs a recv and a send and no epoll_ctl.
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

  // Closes now, dropping undelivered output. Safe from inside this connection's own handler.
  void Close(CloseReason reason);
  // Stops reading and closes once pending output is delivered (at once if there is none). Tells
  // the session first so it can say goodbye in its protocol.
  void Drain();

  int fd() const { return fd_; }
  bool closed() const { return fd_ < 0; }
  bool reading() const { return reading_; }
  // Nothing owed and no partial request held: closing loses nothing.
  bool idle() const { return output_.empty() && input_.empty(); }
  size_t pending_output_bytes() const { return output_.size(); }
  size_t buffered_input_bytes() const { return input_.size(); }
  // Bytes of memory this connection holds: its own buffers and its session's state (0 when idle).
  size_t buffer_capacity() const {
    return input_.capacity() + output_.capacity() + (session_ ? session_->memory_bytes() : 0);
  }
  int64_t last_activity_nanos() const { return last_activity_nanos_; }
  // When the incomplete request now buffered began to wait for its bytes; 0 if there is none.
  int64_t partial_request_since_nanos() const { return partial_since_nanos_; }
  // When pending output last made progress (or began to wait); 0 if nothing is pending.
  int64_t output_stalled_since_nanos() const { return output_.empty() ? 0 : send_progress_nanos_; }

  void OnEvents(uint32_t events) override;

 private:
  void HandleReadable();
  // Hands buffered input to the session and sends what it replies.
  void ProcessInput(Buffer& input);
  // Sends from `buffer` until it is empty or the socket is full. False if the connection closed.
  bool SendFrom(Buffer& buffer);
  void HandleWritable();
  // Derives the epoll interest from the state, and closes when nothing more can happen.
  void UpdateInterest();
  // Closes after everything owed was written, without letting unread input turn the close into
  // an RST that would destroy those replies in flight.
  void CloseGracefully(CloseReason reason);
  // While lingering: reads and drops input until the peer's EOF.
  void DiscardUntilPeerCloses();
  // Brings the server's buffered-bytes gauges up to date with this connection's buffers.
  void CountBuffered();

  ConnectionContext* const context_;
  int fd_;
  std::unique_ptr<Protocol> session_;
  ConnectionObserver* const observer_;
  Buffer input_;                 // only an incomplete request waiting for the rest
  Buffer output_;                // only what the socket would not take yet
  bool reading_ = true;          // EPOLLIN wanted (false while paused by backpressure)
  bool input_finished_ = false;  // nothing more will be read: EOF, session's close, or drain
  bool peer_finished_ = false;   // the peer sent EOF
  bool draining_ = false;
  bool lingering_ = false;          // FIN sent; waiting for the peer's
  bool paused_for_output_ = false;  // the session left complete requests in input_ for later
  CloseReason linger_reason_ = CloseReason::kProtocol;
  TimerId linger_timer_ = 0;
  int64_t last_activity_nanos_ = 0;
  int64_t partial_since_nanos_ = 0;
  int64_t send_progress_nanos_ = 0;
  size_t counted_input_ = 0;  // input_.size() as the gauges last counted it
  size_t counted_output_ = 0;
};

}  // namespace reactor

#endif  // REACTOR_CONNECTION_H_
