// ClientConnection: connect state machine, request/reply matching and per-request accounting.
#include "client/client_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace client {
namespace {

constexpr int kSendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;
// An open loop's in-flight ring starts this large and doubles when a slow server fills it.
constexpr size_t kInitialRing = 64;

}  // namespace

ClientConnection::ClientConnection(ClientContext* context, size_t index, uint64_t slot,
                                   RequestBatch request, std::unique_ptr<ResponseVerifier> verifier,
                                   const reactor::SocketAddress* source)
    : context_(context),
      index_(index),
      slot_(slot),
      request_(request),
      verifier_(std::move(verifier)),
      source_(source),
      // The closed loop's window, known up front; an open loop's ring starts small and grows
      // only as far as a slow server makes it.
      ring_(std::bit_ceil(std::clamp<size_t>(context->max_in_flight, 1, kInitialRing))),
      ring_mask_(ring_.size() - 1) {}

ClientConnection::~ClientConnection() {
  if (fd_ >= 0) CloseFd();
}

std::string_view ClientConnection::StateName(State state) {
  switch (state) {
    case State::kIdle:
      return "idle";
    case State::kConnecting:
      return "connecting";
    case State::kConnected:
      return "connected";
    case State::kDraining:
      return "draining";
    case State::kClosing:
      return "closing";
    case State::kClosed:
      return "closed";
  }
  return "?";
}

void ClientConnection::SetState(State next) {
  bool allowed = false;
  switch (next) {
    case State::kIdle:
      break;
    case State::kConnecting:
      allowed = state_ == State::kIdle || state_ == State::kClosed;
      break;
    case State::kConnected:
      allowed = state_ == State::kConnecting;
      break;
    case State::kDraining:
      allowed = state_ == State::kConnected;
      break;
    case State::kClosing:
      allowed = state_ == State::kDraining;
      break;
    case State::kClosed:
      allowed = state_ != State::kClosed;
      break;
  }
  if (!allowed) {
    // A bug: some path acted on a connection in a state that does not accept it. Its counts can
    // no longer be trusted, and the client's figures are only worth what its counts are.
    const std::string_view from = StateName(state_);
    const std::string_view to = StateName(next);
    std::fprintf(stderr, "client bug: connection %llu: no transition from %.*s to %.*s\n",
                 static_cast<unsigned long long>(slot_), static_cast<int>(from.size()), from.data(),
                 static_cast<int>(to.size()), to.data());
    std::abort();
  }
  state_ = next;
}

bool ClientConnection::Connect() {
  if (state_ != State::kIdle && state_ != State::kClosed) return false;
  // A polite close licenses one immediate reopen: this one. If it fails, the host must see a
  // failure (backoff, or the end without --reconnect), not another polite close.
  closed_politely_ = false;
  LoadStats& stats = *context_->stats;
  ++stats.ledger.attempted;
  connect_start_nanos_ = reactor::MonotonicNanos();
  const reactor::SocketAddress& target = context_->options->target;
  SetState(State::kConnecting);
  fd_ = socket(target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    FailConnect(errno, "socket");
    return true;
  }
  if (source_ != nullptr) {
    // Without IP_BIND_ADDRESS_NO_PORT, bind() picks the port before knowing the destination, so
    // each source address would be limited to one connection per ephemeral port overall instead
    // of per destination.
    const int one = 1;
    // IPv6 sockets take the option at the IP level too.
    if (setsockopt(fd_, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one) < 0) {
      FailConnect(errno, "setsockopt(IP_BIND_ADDRESS_NO_PORT)");
      return true;
    }
    if (bind(fd_, source_->sockaddr_ptr(), source_->length()) < 0) {
      FailConnect(errno, "bind");
      return true;
    }
  }
  // Requests are small and latency is the measure: never let Nagle hold one back.
  const int one = 1;
  if (setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
    FailConnect(errno, "setsockopt(TCP_NODELAY)");
    return true;
  }
  if (connect(fd_, target.sockaddr_ptr(), target.length()) == 0) {
    if (const int err = Watch(EPOLLIN); err != 0) {
      FailConnect(err, "epoll_ctl");
      return true;
    }
    CompleteConnect();
    return true;
  }
  if (errno != EINPROGRESS) {
    FailConnect(errno, "connect");
    return true;
  }
  // Writable means the handshake finished, one way or the other: SO_ERROR says which.
  if (const int err = Watch(EPOLLOUT); err != 0) FailConnect(err, "epoll_ctl");
  return true;
}

int ClientConnection::Watch(uint32_t events) {
  // EventLoop::Add/Modify leave epoll_ctl's errno in place when it fails; a failure the loop
  // finds by itself (an fd it already watches, or does not) sets none: EINVAL stands for it.
  errno = 0;
  const bool registered = context_->loop->IsRegistered(fd_);
  const absl::Status s =
      registered ? context_->loop->Modify(fd_, events) : context_->loop->Add(fd_, events, this);
  if (s.ok()) return 0;
  return errno != 0 ? errno : EINVAL;
}

void ClientConnection::AdoptConnectedFdForTesting(int fd) {
  ++context_->stats->ledger.attempted;
  SetState(State::kConnecting);
  connect_start_nanos_ = reactor::MonotonicNanos();
  fd_ = fd;
  if (const int err = Watch(EPOLLIN); err != 0) {
    FailConnect(err, "epoll_ctl");
    return;
  }
  CompleteConnect();
}

void ClientConnection::FailConnect(int err, std::string_view step) {
  LoadStats& stats = *context_->stats;
  const ConnectFailure cause = ConnectFailureFromErrno(err);
  ++stats.ledger.connect_failed[static_cast<int>(cause)];
  ++context_->interval->errors;
  ++consecutive_failures_;
  closed_politely_ = false;
  switch (cause) {
    case ConnectFailure::kTooManyFiles:
      stats.limit_notes.insert(
          "file descriptors (EMFILE/ENFILE): the process's RLIMIT_NOFILE hard limit or the "
          "system's fs.file-max was reached; raise `ulimit -Hn` (limits.conf nofile) or "
          "sysctl fs.file-max");
      break;
    case ConnectFailure::kAddrNotAvail:
      stats.limit_notes.insert(
          "ephemeral ports (EADDRNOTAVAIL): one source address reaches a destination through at "
          "most net.ipv4.ip_local_port_range ports; add --source_addresses (e.g. "
          "127.0.0.1-127.0.0.8) or widen the range");
      break;
    case ConnectFailure::kOther:
      if (err == ENOMEM || err == ENOBUFS) {
        stats.limit_notes.insert(
            "memory (ENOMEM/ENOBUFS): kernel or socket memory ran out; free memory or raise "
            "net.ipv4.tcp_mem");
      } else if (err == ENOSPC && step == "epoll_ctl") {
        stats.limit_notes.insert(
            "epoll watches (ENOSPC from epoll_ctl): the user's fs.epoll.max_user_watches was "
            "reached; raise it with sysctl fs.epoll.max_user_watches");
      } else {
        NoteError(
            absl::StrCat(absl::string_view(step.data(), step.size()), ": ", std::strerror(err)));
      }
      break;
    default:
      break;
  }
  CloseFd();
  context_->host->OnDisconnected(this, /*was_connected=*/false);
}

void ClientConnection::CompleteConnect() {
  LoadStats& stats = *context_->stats;
  const int64_t now = reactor::MonotonicNanos();
  ++stats.ledger.connected;
  ++connects_completed_;
  stats.connect.Record(now - connect_start_nanos_);
  SetState(State::kConnected);
  // Not a success for the backoff yet: a server that accepts and then resets must not be
  // reconnected to at the minimum delay forever. The first verified reply is the success.
  verified_since_connect_ = false;
  last_reply_seen_ = false;
  closed_politely_ = false;
  verifier_->Reset();
  if (context_->rate_interval_nanos > 0 && first_rate_slot_ == kNoSchedule) StartSchedule(now);
  context_->host->OnConnected(this);
}

void ClientConnection::OnEvents(uint32_t events) {
  if (state_ == State::kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
    if (err == 0 && (events & (EPOLLERR | EPOLLHUP)) != 0) err = ECONNREFUSED;
    if (err != 0) {
      FailConnect(err, "connect");
      return;
    }
    if (const int watch_err = Watch(EPOLLIN); watch_err != 0) {
      FailConnect(watch_err, "epoll_ctl");
      return;
    }
    CompleteConnect();
    return;
  }
  if (state_ == State::kClosing) {
    HandleClosingReadable();
    return;
  }
  if (state_ != State::kConnected && state_ != State::kDraining) return;
  // EPOLLERR/EPOLLHUP: reading collects the error or the EOF, so they need no branch of their own.
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0) {
    HandleReadable();
    if (state_ != State::kConnected && state_ != State::kDraining) return;
  }
  if ((events & EPOLLOUT) != 0) Flush();
}

void ClientConnection::HandleClosingReadable() {
  // The answers still arriving were counted in flight at the end already: read to drop them, so
  // the close finds nothing unread (which would make the kernel send RST instead of FIN).
  reactor::Buffer& scratch = context_->scratch;
  scratch.Clear();
  char* room = scratch.PrepareWrite(kReadChunkBytes);
  while (true) {
    const ssize_t n = recv(fd_, room, kReadChunkBytes, MSG_DONTWAIT);
    if (n > 0) {
      context_->stats->ledger.bytes_received += static_cast<uint64_t>(n);
      context_->stats->ledger.bytes_dropped_at_end += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    // EOF: the server closed its side too, the ending it was asked for. An error (a reset)
    // ends it as well; the requests are accounted for either way.
    if (n == 0) {
      ++context_->stats->ledger.closed_at_end;
    } else {
      ++context_->stats->ledger.cut_at_end;
    }
    CloseFd();
    context_->host->OnDisconnected(this, /*was_connected=*/true);
    return;
  }
}

void ClientConnection::HandleReadable() {
  // Always into the thread's shared scratch buffer, so a connection holds no read buffer of its
  // own; only the bytes of a partial reply are kept, in input_.
  reactor::Buffer& scratch = context_->scratch;
  scratch.Clear();
  char* room = scratch.PrepareWrite(kReadChunkBytes);
  const ssize_t n = recv(fd_, room, kReadChunkBytes, MSG_DONTWAIT);
  if (n == 0) {
    HandleEof();
    return;
  }
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    Lose(LossCause::kReset, errno);
    return;
  }
  scratch.Commit(static_cast<size_t>(n));
  const int64_t now = reactor::MonotonicNanos();
  if (context_->warm_up.Measures(now)) context_->stats->bytes_received += n;
  Ledger& ledger = context_->stats->ledger;
  ledger.bytes_received += static_cast<uint64_t>(n);
  // A partial reply is pending: the new bytes complete it (or extend it) where it waits.
  const bool partial_pending = !input_.empty();
  if (partial_pending) input_.Append(scratch.view());
  const std::string_view data = partial_pending ? input_.view() : scratch.view();
  parsing_ = true;  // CloseFd leaves the unparsed rest to us: input_ may hold parsed bytes too
  const Parsed parsed = ProcessReplies(data, now);
  parsing_ = false;
  const size_t consumed = parsed.consumed;
  ledger.bytes_parsed += consumed;
  if (parsed.malformed || (state_ != State::kConnected && state_ != State::kDraining)) {
    // Lost, ending, or out of step with the server: what was not parsed is dropped.
    ledger.bytes_unparsed += data.size() - consumed;
    input_.Clear();
    input_.ReleaseIfEmpty();
    if (parsed.malformed) Lose(LossCause::kMalformed, 0);
    return;
  }
  if (partial_pending) {
    input_.Consume(static_cast<size_t>(consumed));
    input_.ReleaseIfEmpty();
  } else if (static_cast<size_t>(consumed) < data.size()) {
    input_.Append(data.substr(consumed));
  }
  if (state_ == State::kDraining && in_flight_count_ == timed_out_prefix_) {
    EndDrain();  // every answer the drain waited for is in
    return;
  }
  if (state_ != State::kConnected) return;
  Flush();
}

ClientConnection::Parsed ClientConnection::ProcessReplies(std::string_view input, int64_t now) {
  Parsed parsed;
  size_t& consumed = parsed.consumed;
  int answered = 0;
  bool resolved = false;
  while (consumed < input.size()) {
    if (in_flight_count_ == 0) {
      // Bytes nobody asked for: the server is out of step with us.
      NoteError("reply bytes with no request in flight");
      parsed.malformed = true;
      break;
    }
    const VerifyResult result = verifier_->Next(input.substr(consumed));
    consumed += result.consumed;
    if (result.kind == VerifyResult::kIncomplete) break;
    if (result.kind == VerifyResult::kMalformed) {
      NoteError(result.detail);
      parsed.malformed = true;
      break;
    }
    ++answered;
    resolved |= AccountReply(result, now);
  }
  if (resolved) context_->host->OnRequestsResolved();
  if (parsed.malformed || (state_ != State::kConnected && state_ != State::kDraining)) {
    return parsed;
  }
  // Each answer frees a pipeline slot (unless the server has said it will close). Closed loop:
  // the next request takes it at once. Fixed rate: requests whose time has come take it (sent
  // late, so the wait shows in the corrected latency); otherwise the host wakes the connection
  // when the next one is due.
  if (answered > 0 && accepting_requests()) {
    if (context_->rate_interval_nanos > 0) {
      if (const int64_t wake = QueueDue(now); wake != 0) context_->host->WakeAt(this, wake);
    } else {
      for (int i = 0; i < answered; ++i) {
        if (!context_->host->TakeSendPermit(now)) break;
        QueueRequest(now, now);
      }
    }
  }
  return parsed;
}

bool ClientConnection::AccountReply(const VerifyResult& result, int64_t now) {
  LoadStats& stats = *context_->stats;
  Ledger& ledger = stats.ledger;
  const InFlight entry = ring_[ring_head_];
  ring_head_ = (ring_head_ + 1) & ring_mask_;
  --in_flight_count_;
  if (result.last_on_connection) last_reply_seen_ = true;
  // Requests meant for the warm-up are not measured. A late answer is measured too, at its true
  // latency: leaving it out would cap the histograms at --timeout, which is how wrk hides its
  // worst latencies.
  if (context_->warm_up.Measures(entry.intended_nanos)) {
    ++stats.measured_responses;
    stats.corrected.Record(now - entry.intended_nanos);
    // A closed loop's uncorrected latency is its corrected one, filled in once at the end.
    if (context_->rate_interval_nanos > 0) stats.uncorrected.Record(now - entry.sent_nanos);
    context_->interval->latency.Record(now - entry.intended_nanos);
  }
  ++context_->interval->responses;
  if (entry.timed_out) {
    // Resolved already, as timed out, in the ledger.
    --timed_out_prefix_;
    ++ledger.late;
    return false;
  }
  if (result.status_class >= 0) ++stats.status_classes[result.status_class];
  switch (result.kind) {
    case VerifyResult::kOk:
      ++ledger.ok;
      ++ok_responses_;
      verified_since_connect_ = true;
      consecutive_failures_ = 0;
      break;
    case VerifyResult::kErrorReply:
      ++ledger.error_replies;
      ++context_->interval->errors;
      NoteError(result.detail);
      break;
    default:
      ++ledger.mismatched;
      ++context_->interval->errors;
      break;
  }
  return true;
}

void ClientConnection::HandleEof() {
  // A response whose body runs to the close (HTTP with neither Content-Length nor chunking) is
  // complete only now; its bytes are all in input_, since nothing could consume them before.
  if (in_flight_count_ > 0) {
    const VerifyResult result = verifier_->Finish(input_.view());
    if (result.kind != VerifyResult::kIncomplete && result.kind != VerifyResult::kMalformed) {
      context_->stats->ledger.bytes_parsed += input_.size();
      input_.Clear();
      const int64_t now = reactor::MonotonicNanos();
      if (AccountReply(result, now)) context_->host->OnRequestsResolved();
    }
  }
  Lose(LossCause::kEof, 0);
}

bool ClientConnection::SendRequest(int64_t intended_nanos) {
  if (state_ != State::kConnected || last_reply_seen_) return false;
  QueueRequest(intended_nanos, reactor::MonotonicNanos());
  return Flush();
}

void ClientConnection::QueueRequest(int64_t intended_nanos, int64_t sent_nanos) {
  PushInFlight(InFlight{intended_nanos, sent_nanos, false});
  ++unsent_requests_;
  if (context_->warm_up.Measures(sent_nanos)) {
    LoadStats& stats = *context_->stats;
    ++stats.measured_sent;
    // The client's own lateness: zero in the closed loop (a request goes when it is meant to).
    if (context_->rate_interval_nanos > 0) stats.send_lag.Record(sent_nanos - intended_nanos);
  }
}

int64_t ClientConnection::IntendedTime(uint64_t k) const {
  return context_->rate_origin_nanos +
         static_cast<int64_t>(static_cast<double>(k) * context_->rate_interval_nanos);
}

uint64_t ClientConnection::FirstSlotAtOrAfter(int64_t nanos) const {
  const int64_t origin = context_->rate_origin_nanos;
  uint64_t k =
      nanos <= origin ? 0 : static_cast<uint64_t>((nanos - origin) / context_->rate_interval_nanos);
  while (k > 0 && IntendedTime(k - 1) >= nanos) --k;  // a step at most: the division rounds
  while (IntendedTime(k) < nanos) ++k;
  return k;
}

uint64_t ClientConnection::OwnSlotsBetween(uint64_t from, uint64_t to) const {
  // `from` is always one of this connection's slots.
  if (to <= from) return 0;
  const uint64_t stride = context_->rate_stride;
  return (to - from + stride - 1) / stride;
}

void ClientConnection::StartSchedule(int64_t now) {
  uint64_t k = FirstSlotAtOrAfter(now);
  // The first of this connection's own slots from there.
  const size_t stride = context_->rate_stride;
  k += (index_ + stride - k % stride) % stride;
  first_rate_slot_ = k;
  rate_slot_ = k;
}

int64_t ClientConnection::QueueDue(int64_t now_nanos) {
  if (rate_slot_ == kNoSchedule) return 0;
  while (accepting_requests()) {
    const int64_t intended = IntendedTime(rate_slot_);
    if (intended > now_nanos) return intended;
    if (in_flight_count_ >= context_->max_in_flight) {
      // Due, and no room: it stays owed and goes (late, which its latency shows) when a reply
      // frees a slot.
      if (!in_flight_cap_hit_) ++context_->stats->in_flight_cap_hits;
      in_flight_cap_hit_ = true;
      return 0;
    }
    if (!context_->host->TakeSendPermit(now_nanos)) {
      quota_stop_slot_ = std::min(quota_stop_slot_, rate_slot_);
      return 0;
    }
    in_flight_cap_hit_ = false;
    rate_slot_ += context_->rate_stride;
    QueueRequest(intended, now_nanos);
  }
  return 0;
}

int64_t ClientConnection::OldestOwedNanos(int64_t now) const {
  int64_t oldest = INT64_MAX;
  if (in_flight_count_ > 0) oldest = ring_[ring_head_].intended_nanos;
  if (rate_slot_ != kNoSchedule && IntendedTime(rate_slot_) <= now) {
    oldest = std::min(oldest, IntendedTime(rate_slot_));
  }
  return oldest;
}

void ClientConnection::PushInFlight(const InFlight& entry) {
  if (in_flight_count_ == ring_.size()) {
    // Full (open loop against a slow server): grow, keeping the order. Rare and amortised.
    std::vector<InFlight> bigger(ring_.size() * 2);
    for (size_t i = 0; i < in_flight_count_; ++i) bigger[i] = ring_[(ring_head_ + i) & ring_mask_];
    ring_.swap(bigger);
    ring_mask_ = ring_.size() - 1;
    ring_head_ = 0;
  }
  ring_[(ring_head_ + in_flight_count_) & ring_mask_] = entry;
  ++in_flight_count_;
  ++context_->stats->ledger.sent;
}

bool ClientConnection::Flush() {
  // A wake-up booked earlier may come while connecting (a Watch now would take the interest in
  // the connect's completion away) or after the connection has gone (no fd to send on).
  if (state_ != State::kConnected && state_ != State::kDraining) return state_ != State::kClosed;
  // The bytes to send are `unsent_requests_` copies of the request, less the `unsent_offset_` the
  // socket already took of the first: a pipelined batch is one send() straight from the request
  // batch's contiguous repeats, never assembled or copied.
  const size_t size = request_.request_size;
  const size_t capacity = request_.capacity();
  while (unsent_requests_ > 0) {
    const size_t count = std::min(unsent_requests_, capacity);
    const ssize_t n = send(fd_, request_.bytes.data() + unsent_offset_,
                           count * size - unsent_offset_, kSendFlags);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      Lose(LossCause::kReset, errno);
      return false;
    }
    if (context_->warm_up.Measures(context_->loop->now_nanos())) {
      context_->stats->bytes_sent += n;
    }
    const size_t through = unsent_offset_ + static_cast<size_t>(n);
    unsent_requests_ -= through / size;
    unsent_offset_ = through % size;
  }
  // EPOLLOUT only while output waits: no epoll_ctl at all in the steady state.
  const uint32_t wanted = unsent_requests_ == 0 ? EPOLLIN : (EPOLLIN | EPOLLOUT);
  if (const int err = Watch(wanted); err != 0) {
    Lose(LossCause::kReset, err);
    return false;
  }
  return true;
}

void ClientConnection::CheckTimeouts(int64_t now_nanos) {
  if (state_ == State::kConnecting) {
    if (now_nanos - connect_start_nanos_ >= context_->connect_timeout_nanos)
      FailConnect(ETIMEDOUT, "connect");
    return;
  }
  if (state_ != State::kConnected && state_ != State::kDraining) return;
  bool any = false;
  while (timed_out_prefix_ < in_flight_count_) {
    InFlight& entry = ring_[(ring_head_ + timed_out_prefix_) & ring_mask_];
    if (now_nanos - entry.sent_nanos < context_->timeout_nanos) break;
    entry.timed_out = true;
    ++timed_out_prefix_;
    ++context_->stats->ledger.timed_out;
    ++context_->interval->errors;
    any = true;
  }
  if (any) context_->host->OnRequestsResolved();
}

void ClientConnection::Lose(LossCause cause, int err) {
  if (state_ != State::kConnected && state_ != State::kDraining && state_ != State::kClosing) {
    return;  // gone already: nothing is left to lose
  }
  Ledger& ledger = context_->stats->ledger;
  const uint64_t pending = in_flight_count_ - timed_out_prefix_;
  RecordUnansweredAsLowerBounds(reactor::MonotonicNanos());
  if (!verified_since_connect_) ++consecutive_failures_;
  switch (cause) {
    case LossCause::kEof:
      closed_politely_ = last_reply_seen_;
      ++ledger.closed_by_peer;
      ledger.eof += pending;
      break;
    case LossCause::kReset:
      ++ledger.reset_by_peer;
      ledger.reset += pending;
      if (err != 0 && err != ECONNRESET && err != EPIPE) {
        NoteError(absl::StrCat("connection lost: ", std::strerror(err)));
      }
      break;
    case LossCause::kMalformed:
      // The reply that could not be parsed, and those behind it, can never be verified.
      ++ledger.closed_malformed;
      ledger.mismatched += pending;
      break;
  }
  context_->interval->errors += pending + 1;
  CloseFd();
  if (pending > 0) context_->host->OnRequestsResolved();
  context_->host->OnDisconnected(this, /*was_connected=*/true);
}

void ClientConnection::RecordLowerBound(int64_t intended_nanos, int64_t sent_nanos, int64_t now) {
  if (!context_->warm_up.Measures(intended_nanos)) return;
  LoadStats& stats = *context_->stats;
  const int64_t bound = now - intended_nanos;
  stats.corrected.Record(bound);
  if (context_->rate_interval_nanos > 0) stats.uncorrected.Record(now - sent_nanos);
  context_->interval->latency.Record(bound);
  ++stats.lower_bounds;
  stats.lower_bound_min_nanos = std::min(stats.lower_bound_min_nanos, bound);
}

void ClientConnection::RecordUnansweredAsLowerBounds(int64_t now) {
  for (size_t i = 0; i < in_flight_count_; ++i) {
    const InFlight& entry = ring_[(ring_head_ + i) & ring_mask_];
    RecordLowerBound(entry.intended_nanos, entry.sent_nanos, now);
  }
}

void ClientConnection::BeginEnd(int64_t end_nanos) {
  end_nanos_ = end_nanos;
  Ledger& ledger = context_->stats->ledger;
  if (rate_slot_ != kNoSchedule) {
    // The schedule's account: every slot meant before the end was either sent or is owed.
    // `scheduled` comes from the slot arithmetic, `sent` from counting sends: they are checked
    // against each other, not derived from each other.
    const uint64_t end_slot = std::min(FirstSlotAtOrAfter(end_nanos), quota_stop_slot_);
    ledger.scheduled += OwnSlotsBetween(first_rate_slot_, end_slot);
    for (uint64_t k = rate_slot_; k < end_slot; k += context_->rate_stride) {
      ++ledger.owed_unsent;
      const int64_t intended = IntendedTime(k);
      RecordLowerBound(intended, intended, end_nanos);
    }
  }
  if (connects_completed_ == 0) ++context_->stats->never_connected;
  switch (state_) {
    case State::kConnecting:
      ++ledger.connecting_at_end;
      CloseFd();
      break;
    case State::kConnected:
      ++context_->stats->open_at_end;
      if (ok_responses_ > 0) ++context_->stats->open_verified_at_end;
      SetState(State::kDraining);
      if (in_flight_count_ == timed_out_prefix_) EndDrain();
      break;
    default:
      break;
  }
}

void ClientConnection::EndDrain() {
  if (state_ != State::kDraining) return;
  Ledger& ledger = context_->stats->ledger;
  ledger.in_flight_at_end += in_flight_count_ - timed_out_prefix_;
  RecordUnansweredAsLowerBounds(reactor::MonotonicNanos());
  ring_head_ = 0;
  in_flight_count_ = 0;
  timed_out_prefix_ = 0;
  unsent_requests_ = 0;
  unsent_offset_ = 0;
  SetState(State::kClosing);
  // FIN, not RST: the server sees the client finish, answers what it still owes (dropped here)
  // and closes its side, which is the EOF the closing state waits for.
  if (shutdown(fd_, SHUT_WR) < 0 || Watch(EPOLLIN) != 0) {
    ++ledger.cut_at_end;
    CloseFd();
    context_->host->OnDisconnected(this, /*was_connected=*/true);
  }
}

void ClientConnection::CloseAtEnd() {
  // Without BeginEnd first (a test driving a connection by hand), the run ends here.
  if (state_ == State::kConnected) BeginEnd(reactor::MonotonicNanos());
  EndDrain();
  if (state_ != State::kClosing) return;  // closed already, or never opened
  ++context_->stats->ledger.cut_at_end;
  CloseFd();
}

void ClientConnection::CloseFd() {
  if (fd_ >= 0) {
    if (context_->loop->IsRegistered(fd_)) {
      // Cannot fail for a registered fd short of a bug; the fd is closed either way.
      (void)context_->loop->Remove(fd_);
    }
    close(fd_);
    fd_ = -1;
  }
  SetState(State::kClosed);
  // A partial reply that will never be completed.
  if (!parsing_) context_->stats->ledger.bytes_unparsed += input_.size();
  ring_head_ = 0;
  in_flight_count_ = 0;
  timed_out_prefix_ = 0;
  unsent_requests_ = 0;
  unsent_offset_ = 0;
  input_.Clear();
  input_.ReleaseIfEmpty();
}

void ClientConnection::NoteError(std::string_view detail) {
  // Looked up by the view: a string is made only the first time a message is seen.
  auto& by_detail = context_->stats->errors_by_detail;
  auto it = by_detail.find(detail);
  if (it == by_detail.end()) it = by_detail.emplace(std::string(detail), 0).first;
  ++it->second;
}

}  // namespace client
