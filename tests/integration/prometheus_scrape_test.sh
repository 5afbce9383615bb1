#!/usr/bin/env bash
# A real Prometheus (Debian's `prometheus`, started here with its own config, a temporary storage
# path and a free port) scrapes the server every second during a load run; its HTTP API then says
# the target is up and that requests_total is what the load client measured.
set -u
source "$(dirname "$0")/../compat/lib.sh"
source "$(dirname "$0")/metrics_lib.sh"
command -v prometheus >/dev/null || { echo "prometheus missing: run scripts/setup.sh"; exit 1; }

start_ours S resp --loops=2 --metrics_port=0
M=$(metrics_port S)

prom_port=$(free_port)
cat >"$WORK/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: reactor
    static_configs:
      - targets: ['127.0.0.1:$M']
CONF
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$WORK/prometheus.log" 2>&1 &
prom_pid=$!
trap 'kill "$prom_pid" 2>/dev/null; wait "$prom_pid" 2>/dev/null' EXIT
api="http://127.0.0.1:$prom_port"
for _ in $(seq 1 200); do
  curl -sf "$api/-/ready" >/dev/null && break
  sleep 0.1
done
curl -sf "$api/-/ready" >/dev/null || { fail "prometheus not ready"; tail "$WORK/prometheus.log"; finish; }

# query PROMQL: the single value of an instant query, or "none".
query() {
  curl -sf --max-time 5 "$api/api/v1/query" --data-urlencode "query=$1" | python3 -c '
import json, sys
result = json.load(sys.stdin)["data"]["result"]
print(result[0]["value"][1] if len(result) == 1 else "none")'
}

# Wait for the first scrape, so the run is watched from its start.
for _ in $(seq 1 100); do
  [ "$(query 'up{job="reactor"}')" = 1 ] && break
  sleep 0.1
done
timeout 60 "$client" --target="127.0.0.1:$S_PORT" --protocol=resp --connections=10 \
  --duration=4s --progress=false --json="$WORK/client.json" >"$WORK/client.out" 2>&1
expect_eq "client exit status" "$?" 0
ok=$(json_field "$WORK/client.json" ledger.ok)
sent=$(json_field "$WORK/client.json" ledger.sent)

# Prometheus has the final value once it has scraped after the run.
value=none
deadline=$((SECONDS + 10))
while [ "$SECONDS" -lt "$deadline" ]; do
  value=$(query 'sum(requests_total{job="reactor"})')
  [ "$value" = "$ok" ] && break
  sleep 0.2
done
if [ "$sent" = "$ok" ]; then
  expect_eq "Prometheus's sum(requests_total) = the client's ok replies" "$value" "$ok"
else
  [ "$value" -ge "$ok" ] && [ "$value" -le "$sent" ] &&
    pass "Prometheus's requests_total $value between ok $ok and sent $sent" ||
    fail "Prometheus's requests_total $value outside ok $ok .. sent $sent"
fi
expect_eq "Prometheus's up" "$(query 'up{job="reactor"}')" 1
expect_eq "Prometheus's connections_accepted_total" \
  "$(query 'sum(connections_accepted_total{job="reactor"})')" 10
expect_eq "Prometheus's bytes_received_total = the client's bytes sent" \
  "$(query 'sum(bytes_received_total{job="reactor"})')" "$(json_field "$WORK/client.json" totals.bytes_sent)"
# Scraped every second through the run: several samples, some of them mid-run.
samples=$(query 'count_over_time(requests_total{job="reactor",loop="0"}[1m])')
[ "$samples" != none ] && [ "$samples" -ge 4 ] && pass "$samples scrapes in the last minute" ||
  fail "only $samples scrapes"
mid_run=$(curl -sf "$api/api/v1/query" \
  --data-urlencode 'query=sum(requests_total{job="reactor"})[1m:1s]' | python3 -c '
import json, sys
ok = int(sys.argv[1])
values = [float(v) for _, v in json.load(sys.stdin)["data"]["result"][0]["values"]]
print(sum(1 for v in values if 0 < v < ok))' "$ok")
[ "$mid_run" -ge 2 ] && pass "$mid_run samples taken while the load ran" ||
  fail "only $mid_run samples mid-run"
expect_eq "Prometheus sees the loop-lag histogram" \
  "$(query 'count(event_loop_iteration_seconds_bucket{job="reactor",le="+Inf"})')" 2

stop_ours "$S_PID"
finish
