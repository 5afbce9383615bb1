// Connection: the read, process, write cycle of one socket, with backpressure and half-close.
#include "reactor/connection.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace reactor {
namespace {

// A peer that resets or vanishes is ordinary (a client closing with requests in flight); any
// other socket error is worth a separate count.
CloseReason ErrorReason(int err) {
  return err == ECONNRESET || err == EPIPE ? CloseReason::kReset : CloseReason::kError;
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
  }
  return status;
}

void Connection::OnEvents(uint32_t events) {
  if (lingering_) {
    DiscardUntilPeerCloses();
    return;  // nothing is buffered while lingering
  }
  if (reading_ && !input_finished_ && !paused_for_output_ &&
      (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
    HandleReadable();
  }
  if (fd_ >= 0 && (!output_.empty() || paused_for_output_) &&
      (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
    HandleWritable();
  }
  // EPOLLERR and EPOLLHUP cannot be masked and stay raised: whatever the handlers above managed,
  // the socket is finished, and leaving it open would wake the loop forever.
  if (fd_ >= 0 && (events & (EPOLLERR | EPOLLHUP))) {
    Close((events & EPOLLERR) ? CloseReason::kReset : CloseReason::kPeerClosed);
  }
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
  // Bytes always land in the loop's scratch buffer. Only an incomplete request is copied into
  // this connection's own input, so a connection holds no more memory than it must keep.
  Buffer& scratch = context_->scratch_input;
  const size_t chunk = context_->options.read_chunk_bytes;
  const ssize_t n = recv(fd_, scratch.PrepareWrite(chunk), chunk, MSG_DONTWAIT);
  if (n > 0) {
    scratch.Commit(static_cast<size_t>(n));
    context_->stats->bytes_in += static_cast<uint64_t>(n);
    last_activity_nanos_ = context_->loop->now_nanos();
    if (input_.empty()) {
      ProcessInput(scratch);
    } else {
      input_.Append(scratch.view());  // the rest of the request waiting here
      scratch.Clear();
      ProcessInput(input_);
    }
    return;
  }
  if (n == 0) {
    // The peer will send nothing more (a half-close, or a full close we learn about on the next
    // send). What it is owed is still delivered; UpdateInterest closes once that is done.
    input_finished_ = true;
    peer_finished_ = true;
    if (!paused_for_output_) {  // else those are complete requests, still to be answered
      input_.Clear();           // an incomplete request can never complete now
      input_.ReleaseIfEmpty();
      partial_since_nanos_ = 0;
    }
    UpdateInterest();
    return;
  }
  // EINTR: level triggering brings us straight back.
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
  Close(ErrorReason(errno));
}

namespace {

// Scratch buffers serve every connection of the loop; one huge request or reply must not leave
// them holding its memory for good.
constexpr size_t kScratchRetainBytes = 2 << 20;

void ClearScratch(Buffer& scratch) {
  scratch.Clear();
  if (scratch.capacity() > kScratchRetainBytes) scratch.ReleaseIfEmpty();
}

}  // namespace

void Connection::ProcessInput(Buffer& input) {
  // Replies go straight to the socket unless earlier ones are still queued here, in which case
  // they must queue behind them to keep their order.
  const bool direct = output_.empty();
  Buffer& output = direct ? context_->scratch_output : output_;
  const ProtocolResult result = session_->OnInput(input.view(), output);
  input.Consume(result.consumed);
  if (&input == &context_->scratch_input) {
    if (!input.empty()) input_.Append(input.view());  // keep the unhandled tail for next time
    ClearScratch(input);
  } else {
    input_.ReleaseIfEmpty();
  }
  paused_for_output_ = result.paused_for_output && !result.close_after_output;
  // The request deadline is per request: it runs while an incomplete request waits for its
  // bytes, restarts when a request completes and the tail of the next one remains (a pipelining
  // client's writes need not end on request boundaries), and does not run while complete
  // requests wait for their turn behind our own output.
  if (input_.empty() || paused_for_output_) {
    partial_since_nanos_ = 0;
  } else if (partial_since_nanos_ == 0 || result.consumed > 0) {
    partial_since_nanos_ = context_->loop->now_nanos();
  }
  if (result.close_after_output || (draining_ && input_.empty())) input_finished_ = true;

  if (direct) {
    const bool open = SendFrom(output);
    if (open && !output.empty()) {
      output_.Append(output.view());
      send_progress_nanos_ = context_->loop->now_nanos();  // the send deadline starts now
    }
    ClearScratch(output);
    if (!open) return;
  }
  UpdateInterest();
}

bool Connection::SendFrom(Buffer& buffer) {
  while (!buffer.empty()) {
    const ssize_t n = send(fd_, buffer.data(), buffer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      const size_t sent = static_cast<size_t>(n);
      const bool short_write = sent < buffer.size();
      buffer.Consume(sent);
      context_->stats->bytes_out += sent;
      last_activity_nanos_ = send_progress_nanos_ = context_->loop->now_nanos();
      // A short write means the socket buffer is full: one more send would only say EAGAIN.
      if (short_write) return true;
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
  if (paused_for_output_ && output_.size() <= context_->options.low_water_bytes) {
    ProcessInput(input_);  // the session's output has gone out: on with the waiting requests
    return;
  }
  UpdateInterest();
}

void Connection::UpdateInterest() {
  if (fd_ < 0 || lingering_) return;
  if (input_finished_ && output_.empty() && !paused_for_output_) {
    if (peer_finished_) {
      Close(CloseReason::kPeerClosed);
    } else {
      CloseGracefully(draining_ ? CloseReason::kServerClosing : CloseReason::kProtocol);
    }
    return;
  }
  if (reading_ && output_.size() > context_->options.high_water_bytes) {
    reading_ = false;
    ++context_->stats->read_pauses;
    partial_since_nanos_ = 0;  // a tail cannot grow while we do not read: no request deadline
  } else if (!reading_ && output_.size() <= context_->options.low_water_bytes) {
    reading_ = true;
    if (!input_.empty()) partial_since_nanos_ = context_->loop->now_nanos();
  }
  uint32_t events = 0;
  if (reading_ && !input_finished_ && !paused_for_output_) events |= EPOLLIN | EPOLLRDHUP;
  // A paused session with nothing left to send resumes on the next (immediate) writable event,
  // after the other connections of this iteration have had their turn.
  if (!output_.empty() || paused_for_output_) events |= EPOLLOUT;
  if (!context_->loop->Modify(fd_, events).ok()) Close(CloseReason::kError);
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
  lingering_ = true;
  linger_reason_ = reason;
  if (!context_->loop->Modify(fd_, EPOLLIN | EPOLLRDHUP).ok()) {
    Close(CloseReason::kError);
    return;
  }
  linger_timer_ = context_->loop->RunAfter(context_->options.linger_timeout, [this] {
    linger_timer_ = 0;
    Close(linger_reason_);
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
    Close(linger_reason_);  // EOF (the clean end) or an error: either way, done
    return;
  }
}

void Connection::Drain() {
  if (fd_ < 0 || draining_ || lingering_) return;
  draining_ = true;
  session_->OnDrain();
  // A partial request may still complete and be answered; with none, nothing more is read.
  if (input_.empty()) input_finished_ = true;
  UpdateInterest();
}

void Connection::Close(CloseReason reason) {
  if (fd_ < 0) return;
  EventLoop* loop = context_->loop;
  if (loop->IsRegistered(fd_)) loop->Remove(fd_).IgnoreError();  // registered: cannot fail
  if (linger_timer_ != 0) loop->Cancel(linger_timer_);
  linger_timer_ = 0;
  const int closed_fd = fd_;
  close(fd_);
  fd_ = -1;
  ServerStats* stats = context_->stats;
  switch (reason) {
    case CloseReason::kPeerClosed:
      ++stats->connections_closed_by_peer;
      break;
    case CloseReason::kReset:
      ++stats->connections_reset_by_peer;
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
