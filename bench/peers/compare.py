#!/usr/bin/env python3
"""End-to-end comparison against real peers on this machine, in one run.

Servers are compared by CPU time per request (utime+stime of the server process over the run,
from /proc/PID/stat), clients by requests per second of their own CPU: with two cores shared by
client and server, throughput alone says as much about the client as about the server. Runs
alternate between the peers and the medians are reported, because other work on the machine
moves every figure; only ratios from the same run compare.

  python3 bench/peers/compare.py [--rounds=3] [--requests=200000] [--duration=5] [--json=FILE]
                                 [--html_dir=DIR] [--floor_dir=DIR] [--only_floor]
                                 [--baseline_client=PATH]
                                 [--keyspace | --keyspace_only | --keyspace_memory_only]
                                 [--keyspace_requests=N]

--keyspace adds, and --keyspace_only runs alone, the keyspace comparison with redis-server
(keyspace_bench.py): server CPU per request for each redis-benchmark default test at pipeline 1
and 16, RSS per key, the expiry of 1,000,000 keys with a 1 s TTL, --loops=1 vs 2.
--keyspace_memory_only runs just RSS per key, --rounds alternating rounds, medians.

Our client is also compared with the floor (../shared/floor: a minimal C epoll client and server,
built here with gcc) in the same run: client CPU per request against the floor server, closed
loop at pipeline 1 and 16 and HTTP, and fixed rate at 100k/s and 50k/s against our own closed loop.
--baseline_client adds another build of our client (e.g. one saved before a change) to each of
those comparisons, in the same alternating rounds: a before/after measured in one run.

Where our client drives both peers, it also writes an HTML report overlaying the two (each peer's
median round), in --html_dir: latency by percentile, requests/s over time, the ledgers.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime+stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def wait_for_port(port, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on port {port} after {timeout}s")


class Server:
    """A server process started for one comparison, stopped with SIGTERM."""

    def __init__(self, name, argv, port, workdir):
        self.name, self.port = name, port
        self.log = open(os.path.join(workdir, f"{name}.log"), "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(port)

    def pid(self):
        """The process doing the work (nginx: its single worker)."""
        if self.name != "nginx":
            return self.proc.pid
        children = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True,
                                  text=True).stdout.split()
        return int(children[0])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def start_ours(protocol, workdir, extra=()):
    port = free_port()
    argv = [os.path.join(ROOT, "bazel-bin/server/server"), f"--port={port}",
            f"--protocol={protocol}", "--max_connections=20000", *extra]
    return Server(f"ours-{protocol}", argv, port, workdir)


def start_redis(workdir):
    port = free_port()
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--dir", workdir, "--logfile", ""]
    return Server("redis", argv, port, workdir)


def start_nginx(workdir, body):
    port = free_port()
    conf = os.path.join(workdir, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
worker_processes 1;
daemon off;
error_log {workdir}/nginx-error.log;
pid {workdir}/nginx.pid;
events {{ worker_connections 20000; }}
http {{
  access_log off;
  keepalive_requests 1000000000;
  client_body_temp_path {workdir};
  proxy_temp_path {workdir};
  fastcgi_temp_path {workdir};
  uwsgi_temp_path {workdir};
  scgi_temp_path {workdir};
  server {{
    listen 127.0.0.1:{port};
    location / {{ default_type text/plain; return 200 "{body}"; }}
  }}
}}
""")
    return Server("nginx", ["nginx", "-c", conf, "-p", workdir], port, workdir)


def measured(server, client_argv, parse_requests):
    """Runs a client against a server; returns requests, server CPU s, client CPU s, wall s."""
    pid = server.pid()
    before = cpu_seconds(pid)
    start = time.time()
    usage_before = os.times()
    out = subprocess.run(client_argv, capture_output=True, text=True, timeout=300)
    usage_after = os.times()
    wall = time.time() - start
    server_cpu = cpu_seconds(pid) - before
    client_cpu = ((usage_after.children_user - usage_before.children_user) +
                  (usage_after.children_system - usage_before.children_system))
    if out.returncode != 0:
        raise RuntimeError(f"{client_argv[0]} exited {out.returncode}:\n{out.stdout}\n{out.stderr}")
    requests = parse_requests(out.stdout + out.stderr)
    return {"requests": requests, "server_cpu_s": server_cpu, "client_cpu_s": client_cpu,
            "wall_s": wall}


def redis_benchmark(port, requests, pipeline, test):
    argv = ["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(requests), "-P",
            str(pipeline), "-t", test, "-q"]

    def parse(text):
        # "-n" requests are all answered or redis-benchmark fails; its rate line proves it ran.
        if not re.search(r"requests per second", text):
            raise RuntimeError(f"redis-benchmark printed no result:\n{text}")
        return requests

    return argv, parse


def wrk(port, duration):
    argv = ["wrk", "-t1", "-c100", f"-d{duration}s", f"http://127.0.0.1:{port}/"]

    def parse(text):
        m = re.search(r"(\d+) requests in", text)
        if not m:
            raise RuntimeError(f"wrk printed no result:\n{text}")
        if re.search(r"Non-2xx or 3xx responses|Socket errors", text):
            raise RuntimeError(f"wrk saw errors:\n{text}")
        return int(m.group(1))

    return argv, parse


OUR_CLIENT = os.path.join(ROOT, "bazel-bin/client/client")


def our_client(port, protocol, duration, pipeline, connections, binary=OUR_CLIENT):
    argv = [binary, f"--target=127.0.0.1:{port}",
            f"--protocol={protocol}", f"--connections={connections}", f"--duration={duration}s",
            f"--pipeline={pipeline}", "--progress=false"]
    if protocol == "http":
        argv.append("--path=/")

    def parse(text):
        m = re.search(r"= ok (\d+)", text)
        if not m:
            raise RuntimeError(f"client printed no ok count:\n{text}")
        return int(m.group(1))

    return argv, parse


def floor_client(binary, mode, port, connections, pipeline, duration):
    argv = [binary, mode, str(port), str(connections), str(pipeline), str(duration)]

    def parse(text):
        m = re.search(r"requests=(\d+)", text)
        if not m:
            raise RuntimeError(f"limit_client printed no result:\n{text}")
        return int(m.group(1))

    return argv, parse


def our_rate_client(port, duration, rate, connections, binary=OUR_CLIENT):
    """Our client at a fixed rate; judged by its cost here, not by its exit status."""
    argv, parse = our_client(port, "resp", duration, 1, connections, binary)
    return argv + [f"--rate={rate}/s", "--rate_tolerance=1", "--max_error_ratio=1"], parse


def client_cpu_per_request(title, clients, server, rounds):
    """Alternates `clients` (name -> argv, parse) against one server; medians of client CPU
    microseconds per request, and each one's ratio to the first."""
    samples = {name: [] for name in clients}
    for _ in range(rounds):
        for name, (argv, parse) in clients.items():
            run = measured(server, argv, parse)
            samples[name].append(1e6 * run["client_cpu_s"] / max(run["requests"], 1))
    rows = {name: statistics.median(v) for name, v in samples.items()}
    base_name = next(iter(rows))
    print(f"\n{title}")
    for name, us in rows.items():
        print(f"  {name:<34} {us:>8.3f} µs client CPU per request   "
              f"{us / rows[base_name]:.2f}x {base_name}")
    return {name: {"client_us_per_request": us, "ratio_to_" + base_name: us / rows[base_name]}
            for name, us in rows.items()}


def clients_vs_floor(floor_dir, workdir, duration, rounds, baseline=None):
    """Our client against the floor client, both driving the floor server, in one run; with
    `baseline` (another build of our client), that one too, in the same rounds."""
    sources = [os.path.join(floor_dir, f) for f in ("limit_server.c", "limit_client.c")]
    if not all(os.path.exists(f) for f in sources):
        print(f"\nfloor: {floor_dir} has no limit_server.c/limit_client.c; skipped")
        return {}
    binaries = []
    for source in sources:
        binary = os.path.join(workdir, os.path.basename(source)[:-2])
        subprocess.run(["gcc", "-O2", "-o", binary, source], check=True)
        binaries.append(binary)
    limit_server, limit_client = binaries

    def ours(name, make_client, *args):
        """Our client's entry (and the baseline's, if any) for a comparison."""
        entries = {name: make_client(*args)}
        if baseline:
            entries[f"{name} baseline"] = make_client(*args, binary=baseline)
        return entries

    results = {}
    servers = []
    try:
        pong_port, http_port = free_port(), free_port()
        servers.append(Server("floor-pong", [limit_server, "pong", str(pong_port)], pong_port,
                              workdir))
        servers.append(Server("floor-http", [limit_server, "http", str(http_port)], http_port,
                              workdir))
        pong, http = servers
        for pipeline in (1, 16):
            results[f"floor_ping_p{pipeline}"] = client_cpu_per_request(
                f"Client CPU per PING vs the floor: 50 connections, pipeline {pipeline}",
                {"floor (limit_client pingmb)": floor_client(limit_client, "pingmb", pong.port,
                                                             50, pipeline, duration),
                 **ours("ours (closed loop)", our_client, pong.port, "resp", duration, pipeline,
                        50)},
                pong, rounds)
        results["floor_http"] = client_cpu_per_request(
            "Client CPU per HTTP GET vs the floor: 100 connections",
            {"floor (limit_client http)": floor_client(limit_client, "http", http.port, 100, 1,
                                                       duration),
             **ours("ours (closed loop)", our_client, http.port, "http", duration, 1, 100)},
            http, rounds)
        for rate in (100000, 50000):
            results[f"floor_rate_{rate}"] = client_cpu_per_request(
                f"Fixed rate {rate}/s vs closed loop, 50 connections (goals: <= 1.6x at 100k/s, "
                f"<= 2.5x at 50k/s)",
                {**ours("ours (closed loop)", our_client, pong.port, "resp", duration, 1, 50),
                 **ours(f"ours (--rate={rate}/s)", our_rate_client, pong.port, duration, rate, 50),
                 "floor (limit_client pingmb)": floor_client(limit_client, "pingmb", pong.port,
                                                             50, 1, duration)},
                pong, rounds)
    finally:
        for server in servers:
            server.stop()
    return results


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def idle_memory(title, peers, count, request, expect):
    """RSS growth per connection while `count` connections sit idle after one request each."""
    print(f"\n{title}")
    rows = {}
    for name, server in peers.items():
        pid = server.pid()
        before = rss_bytes(pid)
        conns = []
        try:
            for _ in range(count):
                c = socket.create_connection(("127.0.0.1", server.port))
                c.sendall(request)
                conns.append(c)
            for c in conns:  # every connection answered: its session really exists
                got = b""
                while not got.endswith(expect):
                    chunk = c.recv(4096)
                    if not chunk:
                        raise RuntimeError(f"{name} closed an idle connection")
                    got += chunk
            time.sleep(0.5)
            per_connection = (rss_bytes(pid) - before) / count
        finally:
            for c in conns:
                c.close()
        rows[name] = {"bytes_per_idle_connection": per_connection}
        print(f"  {name:<10} {per_connection:>8.0f} B per idle connection ({count} connections)")
    return rows


def compare(title, peers, client, rounds, report=None):
    """Alternates peers for `rounds` rounds; returns per-peer medians.

    With `report` (an HTML path; the client must be ours), each run also writes its JSON, and
    `client report` overlays each peer's median round (by requests/s) in one page."""
    samples = {name: [] for name in peers}
    for i in range(rounds):
        for name, server in peers.items():
            argv, parse = client(server.port)
            json_path = None
            if report:
                json_path = f"{os.path.splitext(report)[0]}-{name}-{i}.json"
                argv = argv + [f"--json={json_path}"]
            run = measured(server, argv, parse)
            run["json"] = json_path
            samples[name].append(run)
    rows = {}
    for name, runs in samples.items():
        rows[name] = {
            "requests_per_s": statistics.median(r["requests"] / r["wall_s"] for r in runs),
            "server_us_per_request": statistics.median(
                1e6 * r["server_cpu_s"] / r["requests"] for r in runs),
            "client_requests_per_cpu_s": statistics.median(
                r["requests"] / max(r["client_cpu_s"], 1e-9) for r in runs),
        }
    print(f"\n{title}")
    print(f"  {'server':<10} {'req/s':>10} {'server CPU/req':>15} {'client req/CPU-s':>17}")
    for name, row in rows.items():
        print(f"  {name:<10} {row['requests_per_s']:>10.0f} "
              f"{row['server_us_per_request']:>12.2f} µs {row['client_requests_per_cpu_s']:>17.0f}")
    names = list(rows)
    if len(names) == 2:
        a, b = names
        ratio = rows[a]["server_us_per_request"] / rows[b]["server_us_per_request"]
        print(f"  CPU per request, {a} / {b}: {ratio:.2f}")
    if report:
        medians = [sorted(runs, key=lambda r: r["requests"] / r["wall_s"])[len(runs) // 2]["json"]
                   for runs in samples.values()]
        subprocess.run([os.path.join(ROOT, "bazel-bin/client/client"), "report", *medians,
                        f"--labels={','.join(samples)}", f"--html={report}"], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"  report: {report}")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200000)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk/client run")
    parser.add_argument("--idle_connections", type=int, default=5000,
                        help="connections held open for the memory comparison")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--keyspace", action="store_true",
                        help="also compare the keyspace (see keyspace_bench.py)")
    parser.add_argument("--keyspace_only", action="store_true",
                        help="only the keyspace comparison")
    parser.add_argument("--keyspace_memory_only", action="store_true",
                        help="only the keyspace's RSS per key, ours vs redis-server, --rounds "
                             "alternating rounds")
    parser.add_argument("--keyspace_requests", type=int, default=50000,
                        help="requests per keyspace test (LRANGE tests: a fifth)")
    parser.add_argument("--html_dir", default=".",
                        help="where the HTML reports of our client's runs go (and their JSON)")
    # ../shared/floor next to the checkout (or next to the worktrees' parent).
    floor_default = next((d for d in (os.path.join(ROOT, "..", "shared", "floor"),
                                      os.path.join(ROOT, "..", "..", "shared", "floor"))
                          if os.path.isdir(d)), os.path.join(ROOT, "..", "shared", "floor"))
    parser.add_argument("--floor_dir", default=floor_default,
                        help="the floor's C sources (limit_server.c, limit_client.c)")
    parser.add_argument("--baseline_client",
                        help="another build of our client to measure in the same rounds")
    parser.add_argument("--only_floor", action="store_true",
                        help="run only the comparison of our client with the floor")
    args = parser.parse_args()
    os.makedirs(args.html_dir, exist_ok=True)
    for tool in ("redis-server", "redis-benchmark", "nginx", "wrk"):
        if shutil.which(tool) is None:
            sys.exit(f"compare: {tool} is not installed; run scripts/setup.sh")
    subprocess.run(["bazel", "build", "-c", "opt", "//server", "//client"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    results = {}
    body = "x" * 64
    if args.keyspace or args.keyspace_only or args.keyspace_memory_only:
        import keyspace_bench
        with tempfile.TemporaryDirectory() as workdir:
            if args.keyspace_memory_only:
                results["keyspace"] = keyspace_bench.memory_only(workdir, args.rounds)
            else:
                results["keyspace"] = keyspace_bench.run(
                    workdir, args.keyspace_requests, args.keyspace_requests // 5, args.rounds)
        if args.keyspace_only or args.keyspace_memory_only:
            if args.json:
                with open(args.json, "w") as f:
                    json.dump(results, f, indent=2)
            return
    with tempfile.TemporaryDirectory() as workdir:
        results.update(clients_vs_floor(args.floor_dir, workdir, args.duration, args.rounds,
                                        args.baseline_client))
        if args.only_floor:
            if args.json:
                with open(args.json, "w") as f:
                    json.dump(results, f, indent=2)
            return
        servers = []
        try:
            # Appended as each starts, so a failure to start one still stops the others.
            servers.append(start_redis(workdir))
            servers.append(start_ours("resp", workdir))
            servers.append(start_nginx(workdir, body))
            servers.append(start_ours("http", workdir, [f"--http_body={body}"]))
            redis, ours_resp, nginx, ours_http = servers
            for pipeline in (1, 16):
                results[f"ping_p{pipeline}"] = compare(
                    f"PING_INLINE, 50 connections, pipeline {pipeline} (redis-benchmark)",
                    {"redis": redis, "ours": ours_resp},
                    lambda port, p=pipeline: redis_benchmark(port, args.requests, p,
                                                             "ping_inline"),
                    args.rounds)
            results["http_get"] = compare(
                "HTTP GET keep-alive, 100 connections (wrk -t1 -c100)",
                {"nginx": nginx, "ours": ours_http}, lambda port: wrk(port, args.duration),
                args.rounds)
            results["idle_resp"] = idle_memory(
                "Memory per idle connection after one PING",
                {"redis": redis, "ours": ours_resp}, args.idle_connections, b"PING\r\n",
                b"+PONG\r\n")
            results["idle_http"] = idle_memory(
                "Memory per idle keep-alive connection after one GET",
                {"nginx": nginx, "ours": ours_http}, args.idle_connections,
                b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", body.encode())
            results["client_resp"] = compare(
                "Our client driving each server: PING, 50 connections, pipeline 1",
                {"redis": redis, "ours": ours_resp},
                lambda port: our_client(port, "resp", args.duration, 1, 50), args.rounds,
                report=os.path.join(args.html_dir, "compare-client-resp.html"))
            results["client_http"] = compare(
                "Our client driving each server: HTTP GET, 100 connections",
                {"nginx": nginx, "ours": ours_http},
                lambda port: our_client(port, "http", args.duration, 1, 100), args.rounds,
                report=os.path.join(args.html_dir, "compare-client-http.html"))
        finally:
            for server in servers:
                server.stop()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
