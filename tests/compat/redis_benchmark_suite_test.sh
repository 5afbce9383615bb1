#!/usr/bin/env bash
# redis-benchmark's default suite runs against the server with no error, and INFO commandstats
# counts exactly the commands it sent. Then --loops=2: INCRs from connections on both loops sum
# exactly (commands are atomic across loops).
set -u
source "$(dirname "$0")/lib.sh"
command -v redis-benchmark >/dev/null || { echo "redis-tools missing: run scripts/setup.sh"; exit 1; }

# The LRANGE tests cost the most per request (600-element replies): fewer of them keep the test
# short under ASan. BENCH_REQUESTS=20000 BENCH_LRANGE_REQUESTS=20000 is the issue's whole run.
requests=${BENCH_REQUESTS:-20000}
lrange_requests=${BENCH_LRANGE_REQUESTS:-2000}
start_ours RESP resp

run_suite() {
  local n=$1 tests=$2
  local out status
  out=$(timeout 120 redis-benchmark -p "$RESP_PORT" -n "$n" -t "$tests" -q 2>&1 | tr '\r' '\n' |
    grep -v 'rps=' | grep -v '^ *$')
  status=${PIPESTATUS[0]}
  [ "$status" -eq 0 ] || fail "redis-benchmark -t $tests exited $status: $out"
  grep -qiE 'error|ERR|WRONGTYPE|closed' <<<"$out" && fail "redis-benchmark reported: $out"
  echo "$out"
}
out=$(run_suite "$requests" \
  ping_inline,ping_mbulk,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,mset)
echo "$out"
out2=$(run_suite "$lrange_requests" lrange)
echo "$out2"
for test in PING_INLINE PING_MBULK SET GET INCR LPUSH RPUSH LPOP RPOP SADD HSET SPOP ZADD ZPOPMIN \
  "MSET (10 keys)"; do
  grep -q "^$test: .* requests per second" <<<"$out" && pass "redis-benchmark $test" ||
    fail "redis-benchmark $test missing from: $out"
done
for n in 100 300 500 600; do
  grep -q "^LRANGE_$n (first $n elements): .* requests per second" <<<"$out2" &&
    pass "redis-benchmark LRANGE_$n" || fail "redis-benchmark LRANGE_$n missing from: $out2"
done

# Every request counted under its command: -t lrange sends LPUSH once and LRANGE four times.
stats=$(timeout 10 redis-cli -p "$RESP_PORT" INFO commandstats | tr -d '\r')
expect_calls() {
  local command=$1 calls=$2
  grep -qx "cmdstat_$command:calls=$calls" <<<"$stats" && pass "INFO counts $calls $command" ||
    fail "INFO commandstats: expected cmdstat_$command:calls=$calls in: $stats"
}
for command in set get incr rpush lpop rpop sadd hset spop zadd zpopmin mset; do
  expect_calls "$command" "$requests"
done
expect_calls ping $((2 * requests))
expect_calls lpush $((requests + lrange_requests))
expect_calls lrange $((4 * lrange_requests))
stop_ours "$RESP_PID"

# --loops=2: 50 connections spread over both loops, every INCR on one key.
start_ours MULTI resp --loops=2
incrs=20000
timeout 60 redis-benchmark -p "$MULTI_PORT" -n "$incrs" -c 50 -t incr -q >/dev/null 2>&1 ||
  fail "redis-benchmark -t incr against --loops=2 failed"
value=$(timeout 10 redis-cli -p "$MULTI_PORT" GET "counter:__rand_int__")
[ "$value" = "$incrs" ] && pass "--loops=2: $incrs INCRs sum exactly" ||
  fail "--loops=2: counter is '$value', expected $incrs"
# SHUTDOWN stops the server as SIGTERM does: exit status 0.
timeout 10 redis-cli -p "$MULTI_PORT" SHUTDOWN >/dev/null 2>&1
for _ in $(seq 1 100); do
  kill -0 "$MULTI_PID" 2>/dev/null || break
  sleep 0.05
done
if kill -0 "$MULTI_PID" 2>/dev/null; then
  fail "SHUTDOWN did not stop the server"
  stop_ours "$MULTI_PID"
else
  wait "$MULTI_PID" && pass "SHUTDOWN: clean exit" || fail "SHUTDOWN: exit status $?"
fi
finish
