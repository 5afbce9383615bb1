// Connection: the read, process, write cycle of one socket, with backpressure and half-close.
#include "reactor/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace reactor {

Connection::Connection(ConnectionContext* context, int fd, std::unique_ptr<Protocol> session,
                       ConnectionObserver* observer)
    : context_(context),
      fd_(fd),
      session_(std::move(session)),
      observer_(observer),
      last_activity_nanos_(context->loop->now_nanos()) {}

Connection::~Connection() {
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
  if (reading_ && !input_finished_ && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
    HandleReadable();
  }
  if (fd_ >= 0 && !output_.empty() && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
    HandleWritable();
  }
  // EPOLLERR and EPOLLHUP cannot be masked and stay raised: whatever the handlers above managed,
  // the socket is finished, and leaving it open would wake the loop forever.
  if (fd_ >= 0 && (events & (EPOLLERR | EPOLLHUP))) {
    Close((events & EPOLLERR) ? CloseReason::kError : CloseReason::kPeerClosed);
  }
}

void Connection::HandleReadable() {
  // An incomplete request already waiting here must be continued in place; otherwise the shared
  // scratch buffer takes the bytes and this connection allocates nothing.
  Buffer& input = input_.empty() ? context_->scratch_input : input_;
  const size_t chunk = context_->options.read_chunk_bytes;
  char* room = input.PrepareWrite(chunk);
  const ssize_t n = recv(fd_, room, chunk, MSG_DONTWAIT);
  if (n > 0) {
    input.Commit(static_cast<size_t>(n));
    context_->stats->bytes_in += static_cast<uint64_t>(n);
    last_activity_nanos_ = context_->loop->now_nanos();
    ProcessInput(input);
    return;
  }
  if (n == 0) {
    // The peer will send nothing more (a half-close, or a full close we learn about on the next
    // send). What it is owed is still delivered; UpdateInterest closes once that is done.
    input_finished_ = true;
    peer_finished_ = true;
    input_.Clear();  // an incomplete request can never complete now
    input_.ReleaseIfEmpty();
    UpdateInterest();
    return;
  }
  // EINTR: level triggering brings us straight back.
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
  Close(CloseReason::kError);  // ECONNRESET, ETIMEDOUT, ...
}

void Connection::ProcessInput(Buffer& input) {
  // Replies go straight to the socket unless earlier ones are still queued here, in which case
  // they must queue behind them to keep their order.
  const bool direct = output_.empty();
  Buffer& output = direct ? context_->scratch_output : output_;
  const ProtocolResult result = session_->OnInput(input.view(), output);
  input.Consume(result.consumed);
  if (&input == &context_->scratch_input) {
    if (!input.empty()) input_.Append(input.view());  // keep the incomplete tail for next time
    input.Clear();
  } else {
    input_.ReleaseIfEmpty();
  }
  if (result.close_after_output || (draining_ && input_.empty())) input_finished_ = true;

  if (direct) {
    const bool open = SendFrom(output);
    if (open && !output.empty()) output_.Append(output.view());
    output.Clear();
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
      last_activity_nanos_ = context_->loop->now_nanos();
      // A short write means the socket buffer is full: one more send would only say EAGAIN.
      if (short_write) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    Close(CloseReason::kError);  // EPIPE, ECONNRESET: the peer is gone
    return false;
  }
  return true;
}

void Connection::HandleWritable() {
  if (!SendFrom(output_)) return;
  output_.ReleaseIfEmpty();
  UpdateInterest();
}

void Connection::UpdateInterest() {
  if (fd_ < 0) return;
  if (input_finished_ && output_.empty()) {
    Close(peer_finished_ ? CloseReason::kPeerClosed
          : draining_    ? CloseReason::kServerClosing
                         : CloseReason::kProtocol);
    return;
  }
  if (reading_ && output_.size() > context_->options.high_water_bytes) {
    reading_ = false;
    ++context_->stats->read_pauses;
  } else if (!reading_ && output_.size() <= context_->options.low_water_bytes) {
    reading_ = true;
  }
  uint32_t events = 0;
  if (reading_ && !input_finished_) events |= EPOLLIN | EPOLLRDHUP;
  if (!output_.empty()) events |= EPOLLOUT;
  if (!context_->loop->Modify(fd_, events).ok()) Close(CloseReason::kError);
}

void Connection::Drain() {
  if (fd_ < 0 || draining_) return;
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
  if (reason == CloseReason::kProtocol || reason == CloseReason::kServerClosing) {
    // Unread bytes in the receive queue make close() send RST instead of FIN, and an RST can
    // overtake our last reply (a protocol error, a 4xx). Discard what is already here first.
    char discard[4096];
    for (int i = 0; i < 16 && recv(fd_, discard, sizeof discard, MSG_DONTWAIT) > 0; ++i) {
    }
  }
  const int closed_fd = fd_;
  close(fd_);
  fd_ = -1;
  ServerStats* stats = context_->stats;
  switch (reason) {
    case CloseReason::kPeerClosed:
      ++stats->connections_closed_by_peer;
      break;
    case CloseReason::kError:
      ++stats->connections_closed_on_error;
      break;
    case CloseReason::kTimeout:
      ++stats->connections_timed_out;
      break;
    case CloseReason::kProtocol:
    case CloseReason::kServerClosing:
      break;
  }
  input_.Clear();
  input_.ReleaseIfEmpty();
  output_.Clear();
  output_.ReleaseIfEmpty();
  observer_->OnConnectionClosed(this, closed_fd, reason);
}

}  // namespace reactor
