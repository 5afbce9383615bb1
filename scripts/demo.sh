#!/usr/bin/env bash
# The main job: build optimised, start the server on a free loopback port, drive it with the load
# client, print the client's report, stop the server with SIGTERM and show its exit summary.
#
#   scripts/demo.sh [--protocol=echo|resp|http] [--connections=N] [--duration=10s] [client flags]
set -euo pipefail
cd "$(dirname "$0")/.."

protocol=echo
connections=300
duration=10s
extra=()
for arg in "$@"; do
  case "$arg" in
    --protocol=*) protocol="${arg#*=}" ;;
    --connections=*) connections="${arg#*=}" ;;
    --duration=*) duration="${arg#*=}" ;;
    *) extra+=("$arg") ;;
  esac
done

# DEMO_SERVER and DEMO_CLIENT name binaries built already (the demo's own test passes Bazel's):
# then neither the setup nor the build runs.
server=${DEMO_SERVER:-}
client=${DEMO_CLIENT:-}
if [ -z "$server" ] || [ -z "$client" ]; then
  bash scripts/setup.sh
  echo "== building (bazel build -c opt //server //client)"
  bazel build -c opt //server //client 2>&1 | grep -E "^(ERROR|FAILED)|Build completed" >&2 || true
  server=bazel-bin/server/server
  client=bazel-bin/client/client
fi
[ -x "$server" ] && [ -x "$client" ] || { echo "demo: build failed" >&2; exit 1; }

workdir=$(mktemp -d)
server_pid=""
# Stops a server still running (the demo failed half way) and cleans up. It must not change the
# script's exit status: under `set -e` a failing test as the trap's last command would (a `kill`
# of the server already waited for made a successful demo exit 1).
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

"$server" --port=0 --protocol="$protocol" >"$workdir/server.out" 2>"$workdir/server.err" &
server_pid=$!
# The server prints exactly one line when it is ready: "listening on HOST:PORT".
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$workdir/server.out" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/server.err" >&2; exit 1; }
  sleep 0.05
done
target=$(sed -n 's/^listening on //p' "$workdir/server.out")
[ -n "$target" ] || { echo "demo: server did not start" >&2; exit 1; }
echo "== server pid $server_pid listening on $target ($protocol)"

echo "== client: $connections connections for $duration"
status=0
"$client" --target="$target" --protocol="$protocol" --connections="$connections" \
  --duration="$duration" "${extra[@]}" || status=$?

echo "== stopping the server (SIGTERM)"
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
cat "$workdir/server.err" >&2
cat "$workdir/server.out" | grep -v '^listening on '
echo "== server exit status $server_status, client exit status $status"
[ "$server_status" -eq 0 ] && [ "$status" -eq 0 ]
