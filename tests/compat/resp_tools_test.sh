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
info=$(timeout 10 redis-cli -p "$RESP_PORT" INFO)
for field in redis_version connected_clients total_connections_received \
  total_commands_processed rejected_connections total_net_input_bytes; do
  grep -q "^$field:" <<<"$info" && pass "INFO has $field" || fail "INFO lacks $field"
done
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
