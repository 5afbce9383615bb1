#!/usr/bin/env bash
# scripts/demo.sh, given the binaries Bazel built (so it skips setup and the build), runs a short
# demo: it must exit 0 when the server and the client did, and the server must have seen no
# connection reset by the client (the client ends its connections cleanly).
set -u
runfiles="${TEST_SRCDIR:-$PWD/..}/reactor_project"
out="${TEST_TMPDIR:-$(mktemp -d)}/demo.out"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

DEMO_SERVER="$runfiles/server/server" DEMO_CLIENT="$runfiles/client/client" \
  timeout 60 bash "$runfiles/scripts/demo.sh" --connections=20 --duration=1s --progress=false \
  >"$out" 2>&1
status=$?
cat "$out"
[ "$status" -eq 0 ] || fail "demo.sh exited $status after a successful demo"
grep -q "server exit status 0, client exit status 0" "$out" ||
  fail "the demo did not report both exit statuses as 0"
# The client ends its connections with FIN after reading every reply: a reset would mean it
# closed with replies unread.
grep -q " 0 reset by the client" "$out" ||
  fail "the server saw connections reset by the client: $(grep -o '[0-9]* reset by the client' "$out")"
echo "$failures failed"
[ "$failures" -eq 0 ]
