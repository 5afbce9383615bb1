# Shared by the compatibility tests: start a server process on a free loopback port and stop it.
# Sourced, not run.

RUNFILES="${TEST_SRCDIR:-$PWD/..}/reactor_project"
WORK="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

pass() { echo "ok: $*"; }

# start_ours NAME PROTOCOL [FLAGS...]: starts //server:server, sets ${NAME}_PID and ${NAME}_PORT.
start_ours() {
  local name=$1 protocol=$2
  shift 2
  local out="$WORK/$name.out"
  "$RUNFILES/server/server" --port=0 --protocol="$protocol" "$@" >"$out" 2>"$WORK/$name.err" &
  local pid=$!
  local port=""
  for _ in $(seq 1 200); do
    port=$(sed -n 's/^listening on 127\.0\.0\.1://p' "$out")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$port" ]; then
    echo "server did not start:"
    cat "$WORK/$name.err"
    exit 1
  fi
  printf -v "${name}_PID" '%s' "$pid"
  printf -v "${name}_PORT" '%s' "$port"
}

# stop_ours PID: SIGTERM, and the exit status must be 0 within 5 s.
stop_ours() {
  local pid=$1
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    fail "server $pid did not exit within 5 s of SIGTERM"
    return
  fi
  wait "$pid" || fail "server $pid exited with status $?"
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
}
