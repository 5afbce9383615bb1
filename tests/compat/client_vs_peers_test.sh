#!/usr/bin/env bash
# Our load client pointed at real servers just works: redis-server (RESP PING and ECHO,
# pipelined) and nginx (HTTP GET keep-alive, pipelined), each started here with its own
# configuration on a free loopback port.
set -u
source "$(dirname "$0")/lib.sh"
for tool in redis-server nginx python3; do
  command -v "$tool" >/dev/null || { echo "$tool missing: run scripts/setup.sh"; exit 1; }
done
client="$RUNFILES/client/client"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# Runs the client; it must exit 0 and report at least `want` ok replies.
expect_client_ok() {
  local what=$1 want=$2
  shift 2
  local out status ok
  out=$(timeout 60 "$client" --progress=false "$@" 2>&1)
  status=$?
  ok=$(sed -n 's/.*= ok \([0-9]*\) .*/\1/p' <<<"$out" | head -1)
  if [ "$status" -eq 0 ] && [ "${ok:-0}" -ge "$want" ]; then
    pass "$what: $ok verified replies"
  else
    fail "$what: exit $status, ok ${ok:-?}:"
    echo "$out"
  fi
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --dir "$WORK" --logfile "$WORK/redis.log" &
redis_pid=$!
nginx_port=$(free_port)
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $WORK/nginx-error.log;
pid $WORK/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK;
  proxy_temp_path $WORK;
  fastcgi_temp_path $WORK;
  uwsgi_temp_path $WORK;
  scgi_temp_path $WORK;
  server {
    listen 127.0.0.1:$nginx_port;
    # Answered from memory, as our server does: no file access (nginx's workers run as nobody).
    location / { default_type text/plain; return 200 "hello-nginx"; }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx.stderr" &
nginx_pid=$!
trap 'kill "$redis_pid" "$nginx_pid" 2>/dev/null; wait 2>/dev/null' EXIT

wait_port "$redis_port" || { fail "redis-server did not start"; finish; }
wait_port "$nginx_port" || { cat "$WORK/nginx.stderr"; fail "nginx did not start"; finish; }

expect_client_ok "redis PING, 20 connections" 20000 --target="127.0.0.1:$redis_port" \
  --protocol=resp --connections=20 --requests=20000
expect_client_ok "redis PING, pipeline 16" 50000 --target="127.0.0.1:$redis_port" \
  --protocol=resp --connections=10 --pipeline=16 --requests=50000
expect_client_ok "redis ECHO 100 bytes, pipeline 4" 20000 --target="127.0.0.1:$redis_port" \
  --protocol=resp --command=ECHO --message_bytes=100 --connections=10 --pipeline=4 \
  --requests=20000
expect_client_ok "redis SET, pipeline 8" 20000 --target="127.0.0.1:$redis_port" \
  --protocol=resp --command="SET reactor:key some-value" --connections=10 --pipeline=8 \
  --requests=20000
expect_client_ok "redis GET, pipeline 8" 20000 --target="127.0.0.1:$redis_port" \
  --protocol=resp --command="GET reactor:key" --connections=10 --pipeline=8 --requests=20000
expect_client_ok "nginx GET, 20 connections" 10000 --target="127.0.0.1:$nginx_port" \
  --protocol=http --path=/ --connections=20 --requests=10000
expect_client_ok "nginx GET, pipeline 8" 20000 --target="127.0.0.1:$nginx_port" \
  --protocol=http --path=/ --connections=10 --pipeline=8 --requests=20000

# And the same client against our own server's RESP and HTTP, pipelined.
start_ours RESP resp
expect_client_ok "our RESP server, pipeline 16" 50000 --target="127.0.0.1:$RESP_PORT" \
  --protocol=resp --connections=10 --pipeline=16 --requests=50000
stop_ours "$RESP_PID"
start_ours HTTP http
expect_client_ok "our HTTP server, pipeline 8" 20000 --target="127.0.0.1:$HTTP_PORT" \
  --protocol=http --path=/ --connections=10 --pipeline=8 --requests=20000
stop_ours "$HTTP_PID"

finish
