#!/usr/bin/env bash
# The main job: build optimised, start the server on a free loopback port, drive it with the load
# client, print the client's report, stop the server with SIGTERM and show its exit summary.
#
#   scripts/demo.sh [--protocol=echo|resp|http] [--connections=N] [--duration=10s] [client flags]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

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

echo "== building (bazel build -c opt //server //client)"
bazel build -c opt //server //client 2>&1 | grep -E "^(ERROR|FAILED)|Build completed" >&2 || true
server=bazel-bin/server/server
client=bazel-bin/client/client
[ -x "$server" ] && [ -x "$client" ] || { echo "demo: build failed" >&2; exit 1; }

workdir=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$workdir"' EXIT

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
cat "$workdir/server.err" >&2
cat "$workdir/server.out" | grep -v '^listening on '
echo "== server exit status $server_status, client exit status $status"
[ "$server_status" -eq 0 ] && [ "$status" -eq 0 ]
