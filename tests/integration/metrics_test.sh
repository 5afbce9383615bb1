#!/usr/bin/env bash
# The server you can watch, checked against what a client did to it: /metrics scraped during
# load passes `promtool check metrics` and agrees with the load client's JSON, with INFO and with
# the exit summary; the buffered-bytes gauges see a partial request and an unread reply; a known
# number of refusals shows in /metrics, in the stats lines and in rate-limited log lines whose
# "suppressed N" counts add up to it.
set -u
source "$(dirname "$0")/../compat/lib.sh"
source "$(dirname "$0")/metrics_lib.sh"

max_connections=20
start_ours S resp --loops=2 --metrics_port=0 --stats_interval=1s \
  --max_connections=$max_connections
M=$(metrics_port S)
[ -n "$M" ] && pass "metrics port announced: $M" || { fail "no 'metrics on' line"; finish; }

# --- Scrapes during a load run ---------------------------------------------------------------
timeout 60 "$client" --target="127.0.0.1:$S_PORT" --protocol=resp --connections=10 \
  --duration=3s --progress=false --json="$WORK/client.json" >"$WORK/client.out" 2>&1 &
client_pid=$!
scrapes=0
invalid=0
during_load=0
previous=0
went_back=0
while kill -0 "$client_pid" 2>/dev/null && [ "$scrapes" -lt 100 ]; do
  if scrape "$M" "$WORK/scrape.txt"; then
    scrapes=$((scrapes + 1))
    promtool check metrics <"$WORK/scrape.txt" >"$WORK/promtool.out" 2>&1 || {
      invalid=$((invalid + 1))
      cat "$WORK/promtool.out"
    }
    requests=$(metric_sum "$WORK/scrape.txt" requests_total)
    [ "$requests" -lt "$previous" ] && went_back=1
    [ "$requests" -gt 0 ] && during_load=$((during_load + 1))
    previous=$requests
  fi
  sleep 0.2
done
wait "$client_pid"
client_status=$?
expect_eq "client exit status" "$client_status" 0
[ "$scrapes" -ge 5 ] && pass "$scrapes scrapes during the load" || fail "only $scrapes scrapes"
[ "$during_load" -ge 3 ] && pass "$during_load scrapes saw requests in progress" ||
  fail "only $during_load scrapes saw requests"
expect_eq "scrapes that promtool rejected" "$invalid" 0
expect_eq "requests_total went backwards" "$went_back" 0

# --- After the load: the server's counters are the client's ----------------------------------
for _ in $(seq 1 50); do  # the client's closes reach the server's loops a moment later
  scrape "$M" "$WORK/final.txt"
  [ "$(metric_sum "$WORK/final.txt" connections_open)" = 0 ] && break
  sleep 0.1
done
ok=$(json_field "$WORK/client.json" ledger.ok)
sent=$(json_field "$WORK/client.json" ledger.sent)
in_flight=$(json_field "$WORK/client.json" ledger.in_flight_at_end)
requests=$(metric_sum "$WORK/final.txt" requests_total)
if [ "$sent" = "$ok" ] && [ "$in_flight" = 0 ]; then
  expect_eq "requests_total = the client's ok replies" "$requests" "$ok"
elif [ "$requests" -ge "$ok" ] && [ "$requests" -le "$sent" ]; then
  pass "requests_total $requests between the client's ok $ok and sent $sent"
else
  fail "requests_total $requests outside the client's ok $ok .. sent $sent"
fi
[ "$ok" -gt 1000 ] && pass "the load was real: $ok requests" || fail "only $ok requests"
expect_eq "bytes_received_total = the client's bytes sent" \
  "$(metric_sum "$WORK/final.txt" bytes_received_total)" "$(json_field "$WORK/client.json" totals.bytes_sent)"
expect_eq "bytes_sent_total = the client's bytes received" \
  "$(metric_sum "$WORK/final.txt" bytes_sent_total)" "$(json_field "$WORK/client.json" totals.bytes_received)"
expect_eq "connections_accepted_total" "$(metric_sum "$WORK/final.txt" connections_accepted_total)" 10
expect_eq "connections closed by the client" \
  "$(metric_sum "$WORK/final.txt" connections_closed_total 'reason="peer"')" 10
expect_eq "protocol_errors_total" "$(metric_sum "$WORK/final.txt" protocol_errors_total)" 0
grep -q '^requests_total{loop="1",protocol="resp"}' "$WORK/final.txt" &&
  pass "one series per loop" || fail "no loop=\"1\" series"
wakeups=$(metric_sum "$WORK/final.txt" event_loop_wakeups_total)
iterations=$(metric_sum "$WORK/final.txt" event_loop_iteration_seconds_count)
[ "$wakeups" -gt 0 ] && [ "$iterations" -ge "$wakeups" ] &&
  pass "every wakeup timed: $iterations >= $wakeups" ||
  fail "wakeups $wakeups, iteration histogram count $iterations"
[ "$(metric_sum "$WORK/final.txt" event_loop_requests_per_wakeup_sum)" -ge "$requests" ] &&
  pass "requests per wakeup sum to the requests" || fail "requests_per_wakeup_sum too small"

# INFO reports the same counters (its own command is counted once its reply is built).
info=$(timeout 10 redis-cli -p "$S_PORT" INFO metrics | tr -d '\r')
expect_eq "INFO requests_total = /metrics" "$(sed -n 's/^requests_total://p' <<<"$info")" "$requests"
expect_eq "INFO bytes_sent_total = /metrics before INFO" \
  "$(sed -n 's/^bytes_sent_total://p' <<<"$info")" "$(metric_sum "$WORK/final.txt" bytes_sent_total)"

# --- Buffered bytes: a partial request, then a reply nobody reads ------------------------------
partial='*2\r\n$4\r\nECHO\r\n$100\r\nabc'
partial_bytes=$(printf "$partial" | wc -c)
exec {held}<>"/dev/tcp/127.0.0.1/$S_PORT"
printf "$partial" >&"$held"
buffered=0
for _ in $(seq 1 50); do
  scrape "$M" "$WORK/buffered.txt"
  buffered=$(metric_sum "$WORK/buffered.txt" input_buffered_bytes)
  [ "$buffered" = "$partial_bytes" ] && break
  sleep 0.1
done
expect_eq "input_buffered_bytes holds the partial request" "$buffered" "$partial_bytes"
exec {held}>&-
python3 - "$S_PORT" >"$WORK/unread.log" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(2)
# One reply of 8 MiB, never read: more than the kernel's buffers hold, so the rest waits in the
# server's own output. (Smaller requests would find the server paused once the kernel's buffers
# are full, with nothing of its own buffered.)
payload = b"x" * (8 << 20)
request = b"*2\r\n$4\r\nECHO\r\n$%d\r\n%s\r\n" % (len(payload), payload)
try:
    s.sendall(request)
except socket.timeout:
    pass
time.sleep(3)
PY
unread_pid=$!
output=0
for _ in $(seq 1 50); do
  scrape "$M" "$WORK/output.txt"
  output=$(metric_sum "$WORK/output.txt" output_buffered_bytes)
  [ "$output" -gt 0 ] && break
  sleep 0.1
done
[ "$output" -gt 0 ] && pass "output_buffered_bytes sees an unread reply: $output" ||
  fail "output_buffered_bytes stayed 0"
kill "$unread_pid" 2>/dev/null
wait "$unread_pid" 2>/dev/null
for _ in $(seq 1 50); do
  scrape "$M" "$WORK/after.txt"
  [ "$(metric_sum "$WORK/after.txt" output_buffered_bytes)" = 0 ] &&
    [ "$(metric_sum "$WORK/after.txt" input_buffered_bytes)" = 0 ] && break
  sleep 0.1
done
expect_eq "buffered gauges back to 0 after the closes" \
  "$(metric_sum "$WORK/after.txt" output_buffered_bytes)/$(metric_sum "$WORK/after.txt" input_buffered_bytes)" "0/0"

# --- A known number of refusals ----------------------------------------------------------------
refusals=30
holders=()
for i in $(seq 1 $max_connections); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$S_PORT"
  printf 'PING\r\n' >&"$fd"
  read -r -t 5 reply <&"$fd"
  [ "${reply%$'\r'}" = "+PONG" ] || fail "holder $i answered '$reply'"
  holders+=("$fd")
done
refused_start=$(date +%s%N)
refused_seen=0
for i in $(seq 1 $refusals); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$S_PORT"
  read -r -t 5 reply <&"$fd"
  [ "${reply%$'\r'}" = "-ERR max number of clients reached" ] && refused_seen=$((refused_seen + 1))
  exec {fd}>&-
done
refusal_seconds=$(( ($(date +%s%N) - refused_start) / 1000000000 + 1 ))
expect_eq "connections the client saw refused" "$refused_seen" "$refusals"
scrape "$M" "$WORK/refused.txt"
expect_eq "connections_refused_total{reason=max_connections}" \
  "$(metric_sum "$WORK/refused.txt" connections_refused_total 'reason="max_connections"')" "$refusals"
sleep 2.2  # a stats line covers the refusals
for fd in "${holders[@]}"; do exec {fd}>&-; done
sleep 0.3
scrape "$M" "$WORK/last.txt"
stop_ours "$S_PID"

err="$WORK/S.err"
stats_lines=$(grep -c ' INFO stats: ' "$err")
[ "$stats_lines" -ge 5 ] && pass "$stats_lines stats lines" || fail "$stats_lines stats lines"
line_re='^[0-9-]+T[0-9:.]+Z INFO stats: open [0-9]+, accepts/s [0-9]+, requests/s [0-9]+, in [0-9.]+ [kMG]?B/s, out [0-9.]+ [kMG]?B/s, refused [0-9]+, protocol errors [0-9]+, closed [0-9]+ \(peer [0-9]+, reset [0-9]+, network_timeout [0-9]+, error [0-9]+, protocol [0-9]+, timeout [0-9]+, shutdown [0-9]+\), wakeups/s [0-9]+, events/wakeup [0-9.]+, longest iteration [0-9.]+ ms$'
malformed=$(grep ' INFO stats: ' "$err" | grep -cvE "$line_re")
expect_eq "stats lines not in the documented form" "$malformed" 0
expect_eq "refusals summed over the stats lines" \
  "$(grep ' INFO stats: ' "$err" | sed -E 's/.*, refused ([0-9]+),.*/\1/' | sum_lines)" "$refusals"
grep ' INFO stats: ' "$err" | grep -qE 'requests/s [1-9][0-9]{3,}' &&
  pass "a stats line shows the load's requests/s" || fail "no stats line with requests/s >= 1000"
refusal_lines=$(grep -c 'WARNING refused a connection from ' "$err")
suppressed=$( (grep -oE 'refused a connection from .*\(suppressed [0-9]+' "$err" |
  sed -E 's/.*suppressed //'; grep -oE 'connections refused at max_connections: suppressed [0-9]+' "$err" |
  sed -E 's/.*suppressed //') | sum_lines)
expect_eq "refusal log lines + suppressed counts" "$((refusal_lines + suppressed))" "$refusals"
[ "$refusal_lines" -le "$refusal_seconds" ] &&
  pass "$refusal_lines refusal log line(s) for $refusals refusals in ${refusal_seconds}s" ||
  fail "$refusal_lines refusal log lines for $refusals refusals in ${refusal_seconds}s: not rate-limited"
summary=$(cat "$WORK/S.out")
grep -q "($refusals refused at max_connections" <<<"$summary" &&
  pass "the summary counts the refusals" || fail "summary: $summary"
# Nothing happened between the last scrape and SIGTERM: the summary must say what it said.
expect_eq "the summary's requests = the last scrape's" \
  "$(sed -nE 's/.*; ([0-9]+) requests, .*/\1/p' <<<"$summary")" \
  "$(metric_sum "$WORK/last.txt" requests_total)"
expect_eq "the summary's connections = the last scrape's" \
  "$(sed -nE 's/.*served ([0-9]+) connections.*/\1/p' <<<"$summary")" \
  "$(metric_sum "$WORK/last.txt" connections_accepted_total)"
expect_eq "the summary's bytes in = the last scrape's" \
  "$(sed -nE 's/.*; ([0-9]+) bytes in,.*/\1/p' <<<"$summary")" \
  "$(metric_sum "$WORK/last.txt" bytes_received_total)"

# --- A timeout closes a connection from the sweep timer, outside any event: the gauge follows ------
start_ours T resp --metrics_port=0 --request_timeout=300ms
MT=$(metrics_port T)
exec {slow}<>"/dev/tcp/127.0.0.1/$T_PORT"
printf "$partial" >&"$slow"
for _ in $(seq 1 50); do
  scrape "$MT" "$WORK/timeout.txt"
  [ "$(metric_sum "$WORK/timeout.txt" connection_timeouts_total 'timeout="request"')" = 1 ] && break
  sleep 0.1
done
expect_eq "request timeouts" \
  "$(metric_sum "$WORK/timeout.txt" connection_timeouts_total 'timeout="request"')" 1
expect_eq "input_buffered_bytes after the timeout closed it" \
  "$(metric_sum "$WORK/timeout.txt" input_buffered_bytes)" 0
exec {slow}>&-
stop_ours "$T_PID"
grep -q 'INFO closed a connection whose request was incomplete after 300ms (request_timeout)' \
  "$WORK/T.err" && pass "the timeout is logged" || fail "no timeout log line: $(cat "$WORK/T.err")"

# --- --log_level=error hides the warnings, not the stats line -----------------------------------
start_ours Q echo --max_connections=1 --log_level=error --stats_interval=200ms
exec {fd}<>"/dev/tcp/127.0.0.1/$Q_PORT"
exec {fd2}<>"/dev/tcp/127.0.0.1/$Q_PORT"
read -r -t 5 _ <&"$fd2"  # echo refuses without a word: EOF
exec {fd2}>&-
sleep 0.5
exec {fd}>&-
stop_ours "$Q_PID"
expect_eq "warnings at --log_level=error" "$(grep -c WARNING "$WORK/Q.err")" 0
grep -q ' INFO stats: .*refused 1,' "$WORK/Q.err" && pass "stats line still printed" ||
  fail "no stats line with the refusal at --log_level=error: $(cat "$WORK/Q.err")"

finish
