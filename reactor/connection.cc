// Connection: the read, process, write cycle of one socket, with backpressure, half-close and
// its deadlines, as transitions of one ConnectionState.
#include "reactor/connection.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace reactor {
namespace {

// A peer that resets or vanishes is ordinary (a client closing with requests in flight); the
// kernel giving up on an unreachable peer is a network fault; anything else is worth its own
// count.
CloseReason ErrorReason(int err) {
  if (err == ECONNRESET || err == EPIPE) return CloseReason::kReset;
  if (err == ETIMEDOUT) return CloseReason::kNetworkTimeout;
  return CloseReason::kError;
}

// Scratch buffers serve every connection of the loop; one huge request or reply must not leave
// them holding its memory for good.
constexpr size_t kScratchRetainBytes = 2 << 20;

template <typename Scratch>  // Buffer or OutputQueue
void ClearScratch(Scratch& scratch) {
  scratch.Clear();
  if (scratch.capacity() > kScratchRetainBytes) scratch.ReleaseIfEmpty();
}

// Pieces gathered into one sendmsg: a header and a body per pipelined response, so 64 covers a
// socket buffer's worth of them; what is left goes in the next call.
constexpr size_t kMaxIovecs = 64;

// Starts `node`'s clock at `now` if `wanted` and it is not running; stops it if not `wanted`.
void KeepDeadline(DeadlineList<Connection>& list, DeadlineList<Connection>::Node* node, bool wanted,
                  int64_t now) {
  if (!wanted) {
    list.Cancel(node);
  } else if (!node->scheduled()) {
    list.Schedule(node, now);
  }
}

}  // namespace

Connection::Connection(ConnectionContext* context, int fd, std::unique_ptr<Protocol> session,
                       ConnectionObserver* observer)
    : context_(context),
      fd_(fd),
      session_(std::move(session)),
      observer_(observer),
      last_activity_nanos_(context->loop->now_nanos()) {}

Connection::~Connection() {
  if (linger_timer_ != 0) context_->loop->Cancel(linger_timer_);
  if (fd_ < 0) return;
  if (context_->loop->IsRegistered(fd_)) context_->loop->Remove(fd_).IgnoreError();
  close(fd_);
}

absl::Status Connection::Start() {
  absl::Status status = context_->loop->Add(fd_, EPOLLIN | EPOLLRDHUP, this);
  if (!status.ok()) {
    close(fd_);
    fd_ = -1;
    state_ = ConnectionState::kClosed;
    return status;
  }
  // The clocks start at accept: a client that connects and says nothing is a request that never
  // completes (nginx's client_header_timeout), and a connection with no traffic is idle.
  if (context_->deadlines != nullptr) {
    context_->deadlines->idle.Schedule(&idle_deadline_, last_activity_nanos_);
  }
  UpdateDeadlines();
  return status;
}

absl::Status Connection::StartRefusal(std::string_view message) {
  absl::Status status = Start();
  if (!status.ok()) return status;
  StopReading(CloseReason::kProtocol);
  output_.bytes().Append(message);
  HandleWritable();
  return status;
}

void Connection::OnEvents(uint32_t events) {
  if (state_ == ConnectionState::kLingering) {
    DiscardUntilPeerCloses();
    return;  // nothing is buffered while lingering
  }
  // EPOLLERR and EPOLLHUP come whatever the interest: the handlers below run for them too, and
  // a recv or send collects the socket's error and closes with its reason.
  if (state_ == ConnectionState::kReading &&
      (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
    HandleReadable();
  }
  if (fd_ >= 0 && (!output_.empty() || state_ == ConnectionState::kPausedForBudget) &&
      (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
    HandleWritable();
  }
  if (fd_ >= 0 && (events & EPOLLERR)) {
    // Neither handler asked the socket (nothing to read or send in this state): SO_ERROR says
    // what failed, and reading it clears it.
    int err = 0;
    socklen_t length = sizeof err;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &length) < 0) err = errno;
    Close(err == 0 ? CloseReason::kReset : ErrorReason(err));  // counts the buffers down
    return;
  }
  // EPOLLHUP stays raised: both directions are finished, whatever the handlers above managed,
  // and leaving the socket open would wake the loop forever.
  if (fd_ >= 0 && (events & EPOLLHUP)) Close(CloseReason::kPeerClosed);
  CountBuffered();
}

void Connection::CountBuffered() {
  // Once per event, not per buffer operation: in the steady state both sizes stay 0 and this is
  // two compares.
  ServerStats* stats = context_->stats;
  if (input_.size() != counted_input_) {
    stats->input_buffered_bytes += input_.size() - counted_input_;  // wraps down: see Counter
    counted_input_ = input_.size();
  }
  if (output_.size() != counted_output_) {
    stats->output_buffered_bytes += output_.size() - counted_output_;
    counted_output_ = output_.size();
  }
}

void Connection::HandleReadable() {
  // Bytes land in the loop's scratch buffer, and only the tail of an incomplete request is
  // copied into this connection's own input: a connection holds no more memory than it must
  // keep. A request already a chunk long is read straight into its own input instead, so a
  // large one is not copied twice; smaller tails (slowloris, a pipelined request split by a
  // write) are not worth giving every such connection a chunk of memory.
  const size_t chunk = context_->options.read_chunk_bytes;
  Buffer& target = input_.size() >= chunk ? input_ : context_->scratch_input;
  const ssize_t n = recv(fd_, target.PrepareWrite(chunk), chunk, MSG_DONTWAIT);
  if (n > 0) {
    target.Commit(static_cast<size_t>(n));
    context_->stats->bytes_in += static_cast<uint64_t>(n);
    last_activity_nanos_ = context_->loop->now_nanos();
    if (context_->deadlines != nullptr) {
      context_->deadlines->idle.Schedule(&idle_deadline_, last_activity_nanos_);
    }
    Buffer& scratch = context_->scratch_input;
    if (&target == &scratch && !input_.empty()) {
      input_.Append(scratch.view());  // the rest of the request waiting here
      scratch.Clear();
      ProcessInput(input_);
    } else {
      ProcessInput(target);
    }
    return;
  }
  if (n == 0) {
    // The peer will send nothing more (a half-close, or a full close we learn about on the next
    // send). What it is owed is still delivered; an incomplete request can never complete now.
    StopReading(CloseReason::kPeerClosed);
    Settle();
    return;
  }
  // EINTR: level triggering brings us straight back.
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
  Close(ErrorReason(errno));
}

void Connection::ProcessInput(Buffer& input) {
  // Replies go straight to the socket unless earlier ones are still queued here, in which case
  // they must queue behind them to keep their order.
  const bool direct = output_.empty();
  OutputQueue& output = direct ? context_->scratch_output : output_;
  Output session_output(output, context_->options.output_budget_bytes);
  const ProtocolResult result = session_->OnInput(input.view(), session_output);
  input.Consume(result.consumed);
  if (&input == &context_->scratch_input) {
    if (!input.empty()) input_.Append(input.view());  // keep the unhandled tail for next time
    ClearScratch(input);
  } else {
    input_.ReleaseIfEmpty();
  }
  if (result.consumed > 0) {
    // A request completed: the request deadline is per request, so the next one (whose tail
    // may be here already: a pipelining client's writes need not end on request boundaries)
    // gets a clock of its own, and so does the keep-alive wait after it.
    request_completed_ = true;
    if (context_->deadlines != nullptr) {
      context_->deadlines->request.Cancel(&request_deadline_);
      context_->deadlines->keepalive.Cancel(&keepalive_deadline_);
    }
  }
  if (result.close_after_output) {
    StopReading(CloseReason::kProtocol);
  } else if (result.paused_for_output) {
    state_ = ConnectionState::kPausedForBudget;
  } else {
    state_ = ConnectionState::kReading;
    if (drain_requested_ && input_.empty()) StopReading(CloseReason::kServerClosing);
  }

  if (direct) {
    const bool open = SendFrom(output);
    if (open && !output.empty()) output_.TakeFrom(output);
    ClearScratch(output);
    if (!open) return;
  }
  Settle();
}

bool Connection::SendFrom(OutputQueue& queue) {
  while (!queue.empty()) {
    ssize_t n;
    size_t attempted;
    if (queue.contiguous()) {
      attempted = queue.size();
      n = send(fd_, queue.bytes().data(), attempted, MSG_NOSIGNAL | MSG_DONTWAIT);
    } else {
      // sendmsg is writev with flags: MSG_NOSIGNAL, so a closed peer is an EPIPE, not a SIGPIPE.
      iovec iov[kMaxIovecs];
      msghdr message{};
      message.msg_iov = iov;
      message.msg_iovlen = queue.Gather(iov, kMaxIovecs);
      attempted = 0;
      for (size_t i = 0; i < message.msg_iovlen; ++i) attempted += iov[i].iov_len;
      n = sendmsg(fd_, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    if (n > 0) {
      const size_t sent = static_cast<size_t>(n);
      queue.Consume(sent);
      context_->stats->bytes_out += sent;
      last_activity_nanos_ = context_->loop->now_nanos();
      if (context_->deadlines != nullptr) {
        context_->deadlines->idle.Schedule(&idle_deadline_, last_activity_nanos_);
        // Progress: the send deadline starts again from now if output remains (Settle).
        context_->deadlines->send.Cancel(&send_deadline_);
      }
      // A short write means the socket buffer is full: one more send would only say EAGAIN.
      if (sent < attempted) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    Close(ErrorReason(errno));
    return false;
  }
  return true;
}

void Connection::HandleWritable() {
  if (!SendFrom(output_)) return;
  output_.ReleaseIfEmpty();
  if (state_ == ConnectionState::kPausedForBudget && output_.size() <= resume_bytes()) {
    ProcessInput(input_);  // the session's output has gone out: on with the waiting requests
    return;
  }
  Settle();
}

size_t Connection::resume_bytes() const {
  // Below the session's budget too: resuming a session whose output still fills its budget
  // would only make it parse a request, find no room and stop again.
  return std::min(context_->options.low_water_bytes, context_->options.output_budget_bytes - 1);
}

void Connection::StopReading(CloseReason reason) {
  state_ = ConnectionState::kFlushing;
  finish_reason_ = reason;
  input_.Clear();  // complete requests were handled; an incomplete one never will be
  input_.ReleaseIfEmpty();
}

void Connection::Settle() {
  switch (state_) {
    case ConnectionState::kReading:
      if (output_.size() > context_->options.high_water_bytes) {
        state_ = ConnectionState::kPausedForBackpressure;
        ++context_->stats->read_pauses;
      }
      break;
    case ConnectionState::kPausedForBackpressure:
      if (output_.size() <= resume_bytes()) state_ = ConnectionState::kReading;
      break;
    case ConnectionState::kPausedForBudget:
      break;  // HandleWritable resumes the session once its output has drained
    case ConnectionState::kFlushing:
      if (output_.empty()) {
        if (finish_reason_ == CloseReason::kPeerClosed) {
          Close(CloseReason::kPeerClosed);
        } else {
          CloseGracefully(finish_reason_);
        }
        return;
      }
      break;
    case ConnectionState::kLingering:
    case ConnectionState::kClosed:
      return;
  }
  UpdateDeadlines();
  uint32_t events = 0;
  if (state_ == ConnectionState::kReading) events |= EPOLLIN | EPOLLRDHUP;
  // A paused session with nothing left to send resumes on the next (immediate) writable event,
  // after the other connections of this iteration have had their turn.
  if (!output_.empty() || state_ == ConnectionState::kPausedForBudget) events |= EPOLLOUT;
  if (!context_->loop->Modify(fd_, events).ok()) Close(CloseReason::kError);
}

void Connection::UpdateDeadlines() {
  ConnectionDeadlines* deadlines = context_->deadlines;
  if (deadlines == nullptr) return;
  const int64_t now = context_->loop->now_nanos();
  const bool reading = state_ == ConnectionState::kReading;
  // The request clock runs only while reading: a tail cannot grow while we do not read, and
  // complete requests waiting behind our own output are not late.
  KeepDeadline(deadlines->request, &request_deadline_,
               reading && (!input_.empty() || !request_completed_), now);
  KeepDeadline(deadlines->keepalive, &keepalive_deadline_,
               reading && request_completed_ && input_.empty() && output_.empty(), now);
  const bool send_clock_was_running = send_deadline_.scheduled();
  // Whenever we wait for the socket to take bytes: also when a paused session's output all fit
  // in the kernel's buffer, which is then full, and the peer is what we wait for.
  KeepDeadline(deadlines->send, &send_deadline_,
               !output_.empty() || state_ == ConnectionState::kPausedForBudget, now);
  if (!send_clock_was_running && send_deadline_.scheduled()) {
    // Only when output has just become stuck (the socket is full): not on the hot path.
    if (ioctl(fd_, SIOCOUTQ, &unsent_at_send_clock_) < 0) unsent_at_send_clock_ = 0;
  }
}

bool Connection::RestartSendClockIfPeerIsReading() {
  int unsent = 0;
  if (ioctl(fd_, SIOCOUTQ, &unsent) < 0 || unsent >= unsent_at_send_clock_) return false;
  unsent_at_send_clock_ = unsent;
  context_->deadlines->send.Schedule(&send_deadline_, context_->loop->now_nanos());
  return true;
}

void Connection::CloseGracefully(CloseReason reason) {
  // close() with unread bytes in the receive queue sends RST, not FIN, and an RST makes the
  // kernels drop whatever of our replies is not yet read: the QUIT's +OK, the 400, the last
  // megabytes before a shutdown. With nothing unread, a plain close is already a clean FIN.
  int unread = 0;
  if (ioctl(fd_, FIONREAD, &unread) < 0 || unread == 0) {
    Close(reason);
    return;
  }
  // A lingering close, as nginx does it: send FIN after the replies, then read and discard
  // until the peer closes too, or until linger_timeout.
  if (shutdown(fd_, SHUT_WR) < 0) {
    Close(CloseReason::kError);  // ENOTCONN: the peer is gone already
    return;
  }
  state_ = ConnectionState::kLingering;
  finish_reason_ = reason;
  UpdateDeadlines();  // none runs while lingering: the linger timeout is the only one
  if (!context_->loop->Modify(fd_, EPOLLIN | EPOLLRDHUP).ok()) {
    Close(CloseReason::kError);
    return;
  }
  linger_timer_ = context_->loop->RunAfter(context_->options.linger_timeout, [this] {
    linger_timer_ = 0;
    Close(finish_reason_);
  });
}

void Connection::DiscardUntilPeerCloses() {
  Buffer& scratch = context_->scratch_input;
  const size_t chunk = context_->options.read_chunk_bytes;
  // Bounded per wakeup, like any read: a peer that floods us gets its turn, not the loop.
  for (int i = 0; i < 4; ++i) {
    const ssize_t n = recv(fd_, scratch.PrepareWrite(chunk), chunk, MSG_DONTWAIT);
    if (n > 0) continue;  // thrown away: scratch is never committed
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    Close(finish_reason_);  // EOF (the clean end) or an error: either way, done
    return;
  }
}

void Connection::Drain() {
  if (state_ == ConnectionState::kClosed || state_ == ConnectionState::kLingering ||
      drain_requested_) {
    return;
  }
  drain_requested_ = true;
  if (session_ != nullptr) session_->OnDrain();
  // A partial request may still complete and be answered; with none, nothing more is read.
  if ((state_ == ConnectionState::kReading || state_ == ConnectionState::kPausedForBackpressure) &&
      input_.empty()) {
    StopReading(CloseReason::kServerClosing);
  }
  Settle();
}

void Connection::Abort(CloseReason reason) {
  if (state_ == ConnectionState::kClosed) return;
  const linger reset{1, 0};
  (void)setsockopt(fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);  // best effort
  Close(reason);
}

void Connection::Close(CloseReason reason) {
  if (state_ == ConnectionState::kClosed) return;
  state_ = ConnectionState::kClosed;
  EventLoop* loop = context_->loop;
  if (loop->IsRegistered(fd_)) loop->Remove(fd_).IgnoreError();  // registered: cannot fail
  if (linger_timer_ != 0) loop->Cancel(linger_timer_);
  linger_timer_ = 0;
  const int closed_fd = fd_;
  close(fd_);
  fd_ = -1;
  if (ConnectionDeadlines* deadlines = context_->deadlines; deadlines != nullptr) {
    deadlines->idle.Cancel(&idle_deadline_);
    deadlines->request.Cancel(&request_deadline_);
    deadlines->keepalive.Cancel(&keepalive_deadline_);
    deadlines->send.Cancel(&send_deadline_);
  }
  ServerStats* stats = context_->stats;
  switch (reason) {
    case CloseReason::kPeerClosed:
      ++stats->connections_closed_by_peer;
      break;
    case CloseReason::kReset:
      ++stats->connections_reset_by_peer;
      break;
    case CloseReason::kNetworkTimeout:
      ++stats->connections_lost_to_network_timeout;
      break;
    case CloseReason::kError:
      ++stats->connections_closed_on_error;
      break;
    case CloseReason::kTimeout:
      ++stats->connections_timed_out;
      break;
    case CloseReason::kProtocol:
      ++stats->connections_closed_by_protocol;
      break;
    case CloseReason::kServerClosing:
      ++stats->connections_closed_at_shutdown;
      break;
  }
  input_.Clear();
  input_.ReleaseIfEmpty();
  output_.Clear();
  output_.ReleaseIfEmpty();
  CountBuffered();
  observer_->OnConnectionClosed(this, closed_fd, reason);
}

}  // namespace reactor
