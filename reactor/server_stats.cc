// The table of ServerStats's counters, and ServerStats::Add, which walks it.
#include "reactor/server_stats.h"

namespace reactor {
namespace {

// `s.field` as a table getter.
#define REACTOR_STAT(field) [](const ServerStats& s) -> const Counter& { return s.field; }

constexpr StatField kStatFields[] = {
    {"connections_accepted_total", "", "", false, StatKind::kCounter,
     "Connections accepted and given a session.", REACTOR_STAT(connections_accepted)},
    {"connections_refused_total", "reason", "max_connections", false, StatKind::kCounter,
     "Connections refused: over max_connections, or no file descriptor left (EMFILE).",
     REACTOR_STAT(connections_rejected)},
    {"connections_refused_total", "reason", "no_fds", false, StatKind::kCounter, "",
     REACTOR_STAT(listener.dropped_for_fds)},
    {"accept_errors_total", "", "", false, StatKind::kCounter,
     "accept4 failures that concern one connection only (ECONNABORTED, EPERM).",
     REACTOR_STAT(listener.accept_errors)},
    {"accept_pauses_total", "", "", false, StatKind::kCounter,
     "Times accepting paused because file descriptors ran out.", REACTOR_STAT(listener.pauses)},
    {"connections_closed_total", "reason", "peer", false, StatKind::kCounter,
     "Connections closed, by cause.", REACTOR_STAT(connections_closed_by_peer)},
    {"connections_closed_total", "reason", "reset", false, StatKind::kCounter, "",
     REACTOR_STAT(connections_reset_by_peer)},
    {"connections_closed_total", "reason", "network_timeout", false, StatKind::kCounter, "",
     REACTOR_STAT(connections_lost_to_network_timeout)},
    {"connections_closed_total", "reason", "error", false, StatKind::kCounter, "",
     REACTOR_STAT(connections_closed_on_error)},
    {"connections_closed_total", "reason", "protocol", false, StatKind::kCounter, "",
     REACTOR_STAT(connections_closed_by_protocol)},
    {"connections_closed_total", "reason", "timeout", false, StatKind::kCounter, "",
     REACTOR_STAT(connections_timed_out)},
    {"connections_closed_total", "reason", "shutdown", false, StatKind::kCounter, "",
     REACTOR_STAT(connections_closed_at_shutdown)},
    {"connection_timeouts_total", "timeout", "idle", false, StatKind::kCounter,
     "Connections closed by a timeout, by which one.", REACTOR_STAT(timed_out_idle)},
    {"connection_timeouts_total", "timeout", "request", false, StatKind::kCounter, "",
     REACTOR_STAT(timed_out_request)},
    {"connection_timeouts_total", "timeout", "keepalive", false, StatKind::kCounter, "",
     REACTOR_STAT(timed_out_keepalive)},
    {"connection_timeouts_total", "timeout", "send", false, StatKind::kCounter, "",
     REACTOR_STAT(timed_out_send)},
    {"requests_total", "", "", true, StatKind::kCounter, "Requests answered.",
     REACTOR_STAT(requests_processed)},
    {"protocol_errors_total", "", "", true, StatKind::kCounter,
     "Requests that could not be parsed (answered with an error, then closed).",
     REACTOR_STAT(protocol_errors)},
    {"bytes_received_total", "", "", false, StatKind::kCounter, "Bytes read from clients.",
     REACTOR_STAT(bytes_in)},
    {"bytes_sent_total", "", "", false, StatKind::kCounter, "Bytes written to clients.",
     REACTOR_STAT(bytes_out)},
    {"read_pauses_total", "", "", false, StatKind::kCounter,
     "Times a connection stopped reading because its output passed the high-water mark.",
     REACTOR_STAT(read_pauses)},
    {"connections_open", "", "", false, StatKind::kGauge, "Connections open now.",
     REACTOR_STAT(connections_current)},
    {"output_buffered_bytes", "", "", false, StatKind::kGauge,
     "Reply bytes waiting in connections' buffers for a slow reader.",
     REACTOR_STAT(output_buffered_bytes)},
    {"input_buffered_bytes", "", "", false, StatKind::kGauge,
     "Bytes of incomplete requests waiting in connections' buffers.",
     REACTOR_STAT(input_buffered_bytes)},
    {"event_loop_wakeups_total", "", "", false, StatKind::kCounter,
     "Returns from epoll_wait (with events or for a timer).", REACTOR_STAT(loop_wakeups)},
    {"event_loop_events_total", "", "", false, StatKind::kCounter,
     "Readiness events dispatched; divided by wakeups, the events per wakeup.",
     REACTOR_STAT(loop_events)},
};

#undef REACTOR_STAT

constexpr HistogramField kHistogramFields[] = {
    {"event_loop_iteration_seconds",
     "Time a loop iteration spent working, from epoll_wait's return to the next wait: the "
     "loop's lag.",
     1e-9, [](const ServerStats& s) -> const Histogram& { return s.loop_iteration_nanos; }},
    {"event_loop_requests_per_wakeup", "Requests answered in one loop iteration.", 1,
     [](const ServerStats& s) -> const Histogram& { return s.loop_requests_per_wakeup; }},
};

}  // namespace

absl::Span<const StatField> StatFields() { return kStatFields; }

absl::Span<const HistogramField> HistogramFields() { return kHistogramFields; }

void ServerStats::Add(const ServerStats& other) {
  if (start_nanos == 0 || (other.start_nanos != 0 && other.start_nanos < start_nanos)) {
    start_nanos = other.start_nanos;
  }
  for (const StatField& field : kStatFields) {
    // Our own non-const object, reached through the table's const getter.
    const_cast<Counter&>(field.get(*this)) += field.get(other).value();
  }
  for (const HistogramField& field : kHistogramFields) {
    const_cast<Histogram&>(field.get(*this)).Add(field.get(other));
  }
  listener.accepted += other.listener.accepted.value();  // reported as connections_accepted
  loop_longest_iteration_nanos.Raise(other.loop_longest_iteration_nanos.Peek());
}

}  // namespace reactor
