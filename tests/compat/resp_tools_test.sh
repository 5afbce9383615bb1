#!/usr/bin/env bash
# redis-cli and redis-benchmark pointed at the server with --protocol=resp just work.
set -u
source "$(dirname "$0")/lib.sh"
command -v redis-benchmark >/dev/null || { echo "redis-tools missing: run scripts/setup.sh"; exit 1; }

start_ours RESP resp

reply=$(timeout 10 redis-cli -p "$RESP_PORT" PING)
[ "$reply" = "PONG" ] && pass "redis-cli PING" || fail "redis-cli PING answered '$reply'"
reply=$(timeout 10 redis-cli -p "$RESP_PORT" ECHO hello)
[ "$reply" = "hello" ] && pass "redis-cli ECHO hello" || fail "redis-cli ECHO answered '$reply'"
# INFO's counters move by exactly what this test sends between two INFOs: three redis-cli PINGs,
# each on its own connection ("*1\r\n$4\r\nPING\r\n" in, "+PONG\r\n" out). A command is counted
# once it has run and bytes once read or sent, so the first INFO's command and reply fall in the
# interval, and so do the second INFO's connection and request.
timeout 10 redis-cli -p "$RESP_PORT" INFO >"$WORK/info_before"
for _ in 1 2 3; do timeout 10 redis-cli -p "$RESP_PORT" PING >/dev/null; done
timeout 10 redis-cli -p "$RESP_PORT" INFO >"$WORK/info_after"
grep -q "^redis_version:" "$WORK/info_before" && pass "INFO has redis_version" ||
  fail "INFO lacks redis_version"
first_reply_body=$(wc -c <"$WORK/info_before")  # redis-cli prints the bulk as it came
first_reply=$((1 + ${#first_reply_body} + 2 + first_reply_body + 2))  # "$<n>\r\n<body>\r\n"
info_field() { tr -d '\r' <"$1" | sed -n "s/^$2://p"; }
for expected in total_connections_received:4 total_commands_processed:4 \
  total_net_input_bytes:$((3 * 14 + 14)) total_net_output_bytes:$((3 * 7 + first_reply)); do
  field=${expected%%:*}
  delta=$(($(info_field "$WORK/info_after" "$field") - $(info_field "$WORK/info_before" "$field")))
  [ "$delta" -eq "${expected#*:}" ] && pass "INFO $field moved by $delta" ||
    fail "INFO $field moved by $delta, expected ${expected#*:}"
done
[ "$(info_field "$WORK/info_after" connected_clients)" = 1 ] && pass "INFO connected_clients:1" ||
  fail "INFO connected_clients: $(info_field "$WORK/info_after" connected_clients), expected 1"
reply=$(timeout 10 redis-cli -p "$RESP_PORT" NOSUCH a b 2>&1)
[[ "$reply" == "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "* ]] &&
  pass "unknown command worded as Redis words it" || fail "unknown command answered '$reply'"

requests=20000
for pipeline in 1 16; do
  out=$(timeout 60 redis-benchmark -p "$RESP_PORT" -t ping_inline,ping_mbulk -c 50 \
    -n "$requests" -P "$pipeline" -q 2>&1)
  status=$?
  if [ "$status" -ne 0 ]; then
    fail "redis-benchmark -P $pipeline exited $status: $out"
    continue
  fi
  for test in PING_INLINE PING_MBULK; do
    grep -q "$test: .* requests per second" <<<"$out" &&
      pass "redis-benchmark $test -P $pipeline" ||
      fail "redis-benchmark $test -P $pipeline printed: $out"
  done
done

# Every request was answered: the server counted them all (+ the CLI's and CONFIG GETs).
processed=$(timeout 10 redis-cli -p "$RESP_PORT" INFO stats | tr -d '\r' |
  sed -n 's/^total_commands_processed://p')
[ "${processed:-0}" -ge $((4 * requests)) ] &&
  pass "server processed $processed commands" ||
  fail "server processed ${processed:-?} commands, expected >= $((4 * requests))"

stop_ours "$RESP_PID"

# With --loops=2 the connections spread over two loops, and INFO still speaks for the server
# (as in Redis, INFO does not count itself).
start_ours MULTI resp --loops=2
fds=()
for i in $(seq 1 10); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$MULTI_PORT"
  printf 'PING\r\n' >&"$fd"
  read -r -t 5 reply <&"$fd"
  [ "${reply%$'\r'}" = "+PONG" ] || fail "PING on connection $i answered '$reply'"
  fds+=("$fd")
done
info=$(timeout 10 redis-cli -p "$MULTI_PORT" INFO | tr -d '\r')
for expected in connected_clients:11 total_connections_received:11 total_commands_processed:10; do
  grep -qx "$expected" <<<"$info" && pass "--loops=2 INFO $expected" ||
    fail "--loops=2 INFO: expected $expected in: $info"
done
for fd in "${fds[@]}"; do exec {fd}>&-; done
stop_ours "$MULTI_PID"
finish
