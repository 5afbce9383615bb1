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
grep -q "^Content-Length: 18" <<<"$(tr -d '\r' <<<"$out")" && pass "HEAD: Content-Length 18" ||
  fail "HEAD: $out"
# curl -I never reads a body, so "no body" is checked on the raw bytes of the connection: a HEAD
# and then a GET on one connection must give exactly the HEAD's header block, then the GET's
# headers and its 18 bytes of body, and nothing else.
exec {http}<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
printf 'HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' >&"$http"
timeout 10 cat <&"$http" >"$WORK/head_get.raw"
exec {http}>&-
python3 - "$WORK/head_get.raw" <<'PY' && pass "HEAD: no body on the wire" || fail "HEAD: raw bytes wrong"
import sys
raw = open(sys.argv[1], "rb").read()
head, sep, rest = raw.partition(b"\r\n\r\n")
assert sep and head.startswith(b"HTTP/1.1 200 OK\r\n"), raw[:200]
assert rest.startswith(b"HTTP/1.1 200 OK\r\n"), "bytes after the HEAD's headers: %r" % rest[:80]
get_head, sep, body = rest.partition(b"\r\n\r\n")
assert sep and body == b"hello-from-reactor", "GET body %r" % body[:80]
PY

stop_ours "$HTTP_PID"
finish
