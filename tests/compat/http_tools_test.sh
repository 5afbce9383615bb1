#!/usr/bin/env bash
# wrk, h2load --h1 and curl pointed at the server with --protocol=http just work.
set -u
source "$(dirname "$0")/lib.sh"
for tool in wrk h2load curl; do
  command -v "$tool" >/dev/null || { echo "$tool missing: run scripts/setup.sh"; exit 1; }
done

start_ours HTTP http --http_body=hello-from-reactor
url="http://127.0.0.1:$HTTP_PORT/"

out=$(timeout 30 wrk -t1 -c100 -d2s "$url" 2>&1)
if grep -q "requests in" <<<"$out" && ! grep -qE "Socket errors|Non-2xx" <<<"$out"; then
  pass "wrk -t1 -c100: $(grep -o '[0-9]* requests in [0-9.]*s' <<<"$out"), no errors"
else
  fail "wrk: $out"
fi

out=$(timeout 30 h2load --h1 -n 20000 -c 10 "$url" 2>&1)
grep -q "20000 succeeded, 0 failed, 0 errored, 0 timeout" <<<"$out" &&
  pass "h2load --h1: 20000 succeeded" || fail "h2load: $out"

out=$(timeout 10 curl -sv "$url" "$url" 2>&1)
[ "$(grep -c '^< HTTP/1.1 200 OK' <<<"$out")" -eq 2 ] && pass "curl: two 200s" ||
  fail "curl: $out"
grep -q "Re-using existing connection" <<<"$out" && pass "curl: one keep-alive connection" ||
  fail "curl did not reuse the connection: $out"
[ "$(grep -o 'hello-from-reactor' <<<"$out" | wc -l)" -eq 2 ] && pass "curl: both bodies" ||
  fail "curl bodies: $out"

out=$(timeout 10 curl -s -o /dev/null -w '%{http_code}' -X BREW "$url")
[ "$out" = "501" ] && pass "unknown method: 501" || fail "unknown method answered $out"
out=$(timeout 10 curl -sI "$url")
grep -q "^Content-Length: 18" <<<"$(tr -d '\r' <<<"$out")" && pass "HEAD: Content-Length, no body" ||
  fail "HEAD: $out"

stop_ours "$HTTP_PID"
finish
