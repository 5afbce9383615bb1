# Shared by the operability tests: scraping a server's /metrics, summing series, and reading the
# load client's JSON. Sourced after tests/compat/lib.sh, not run.

for tool in curl promtool python3; do
  command -v "$tool" >/dev/null || { echo "$tool missing: run scripts/setup.sh"; exit 1; }
done
client="$RUNFILES/client/client"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# metrics_port NAME: the port a server started by start_ours NAME announced for /metrics.
metrics_port() { sed -n 's/^metrics on 127\.0\.0\.1://p' "$WORK/$1.out"; }

# scrape PORT FILE: GET /metrics into FILE; fails on any HTTP error.
scrape() { curl -sf --max-time 5 "http://127.0.0.1:$1/metrics" >"$2"; }

# metric_sum FILE NAME [LABEL_MATCH]: the sum over loops of the series of NAME whose labels contain
# LABEL_MATCH (e.g. 'reason="peer"'), as an integer.
metric_sum() {
  awk -v name="$2" -v match_label="${3:-}" '
    $1 !~ /^#/ {
      series = $1; base = series; sub(/\{.*/, "", base)
      if (base == name && index(series, match_label) > 0) sum += $2
    }
    END { printf "%d\n", sum }' "$1"
}

# sum_lines: the sum of the numbers on stdin, one a line (0 for none).
sum_lines() { awk '{ s += $1 } END { printf "%d\n", s }'; }

# json_field FILE PATH: a field of the client's JSON, e.g. ledger.ok.
json_field() {
  python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[k]
print(v)' "$1" "$2"
}

# expect_eq WHAT GOT WANT
expect_eq() {
  if [ "$2" = "$3" ]; then pass "$1: $2"; else fail "$1: got '$2', expected '$3'"; fi
}
