"""The keyspace half of compare.py: our RESP server against redis-server on the work Redis users
benchmark, in the same run, medians of alternating rounds.

  - Server CPU per request for every test of redis-benchmark's default suite, 50 connections,
    pipeline 1 and 16.
  - RSS per key after `redis-benchmark -t set -r 1000000 -n 2000000 -d 3` (about 860,000 distinct
    keys: -r draws with replacement).
  - Expiry: 1,000,000 keys with a 1 s TTL; how long after the last deadline DBSIZE reaches 0, and
    PING round trips on another connection meanwhile (p50, p99, max).
  - --loops: one shared keyspace behind a mutex (server/dataset.h): SET/GET/INCR at --loops=1
    and 2, requests per second and CPU per request.

Run through compare.py (--keyspace, or --keyspace_only), which builds -c opt first (do not build
anything else while it runs: bazel-bin would then point at that build's binaries).
"""

import socket
import statistics
import subprocess
import time

import compare

DEFAULT_SUITE = ["ping_inline", "ping_mbulk", "set", "get", "incr", "lpush", "rpush", "lpop",
                 "rpop", "sadd", "hset", "spop", "zadd", "zpopmin", "lrange_100", "lrange_300",
                 "lrange_500", "lrange_600", "mset"]


def suite_cpu(redis, ours, requests, lrange_requests, rounds):
    """Server µs of CPU per request for each default test; redis-benchmark's own LPUSH before an
    LRANGE test is part of that test's run for both peers alike."""
    rows = {}
    print("\nredis-benchmark default suite: server CPU µs per request, 50 connections")
    print(f"  {'test':<12} {'P':>3} {'redis':>8} {'ours':>8} {'ours/redis':>11}")
    for pipeline in (1, 16):
        for test in DEFAULT_SUITE:
            n = lrange_requests if test.startswith("lrange") else requests
            samples = {"redis": [], "ours": []}
            for _ in range(rounds):
                for name, server in (("redis", redis), ("ours", ours)):
                    argv, parse = compare.redis_benchmark(server.port, n, pipeline, test)
                    run = compare.measured(server, argv, parse)
                    samples[name].append(1e6 * run["server_cpu_s"] / run["requests"])
            r = statistics.median(samples["redis"])
            o = statistics.median(samples["ours"])
            rows[f"{test}_p{pipeline}"] = {"redis_us": r, "ours_us": o}
            print(f"  {test:<12} {pipeline:>3} {r:>8.2f} {o:>8.2f} {o / max(r, 1e-9):>11.2f}")
    return rows


def dbsize(port):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"DBSIZE\r\n")
        data = b""
        while not data.endswith(b"\r\n"):
            data += s.recv(64)
    return int(data[1:-2])


def memory_per_key(workdir, start_redis, start_ours, rounds=1):
    """RSS growth per distinct key, median of `rounds` alternating rounds (a fresh server each)."""
    print("\nRSS per key: redis-benchmark -t set -r 1000000 -n 2000000 -d 3 (-P 16)")
    samples = {"redis": [], "ours": []}
    for _ in range(rounds):
        for name, start in (("redis", start_redis), ("ours", start_ours)):
            server = start(workdir)
            try:
                before = compare.rss_bytes(server.pid())
                subprocess.run(["redis-benchmark", "-p", str(server.port), "-t", "set", "-r",
                                "1000000", "-n", "2000000", "-d", "3", "-P", "16", "-q"],
                               check=True, capture_output=True, timeout=600)
                keys = dbsize(server.port)
                grown = compare.rss_bytes(server.pid()) - before
                samples[name].append({"keys": keys, "rss_growth_bytes": grown,
                                      "bytes_per_key": grown / keys})
                print(f"  {name:<6} {keys} keys, RSS +{grown / 2**20:.1f} MiB, "
                      f"{grown / keys:.1f} B per key")
            finally:
                server.stop()
    rows = {}
    for name, runs in samples.items():
        per_key = statistics.median(run["bytes_per_key"] for run in runs)
        rows[name] = {"bytes_per_key": per_key, "runs": runs}
        print(f"  {name:<6} median {per_key:.1f} B per key over {len(runs)} round(s)")
    return rows


def load_expiring(port, count, ttl_ms):
    """SET key:i v PX ttl_ms for i < count, pipelined in batches; returns when all are answered."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        batch = 10000
        for first in range(0, count, batch):
            payload = b"".join(b"*5\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$1\r\nv\r\n$2\r\nPX\r\n$%d\r\n%d\r\n"
                               % (len(b"key:%d" % i), i, len(str(ttl_ms)), ttl_ms)
                               for i in range(first, min(first + batch, count)))
            s.sendall(payload)
            expected = 5 * (min(first + batch, count) - first)
            got = 0
            while got < expected:
                chunk = s.recv(1 << 20)
                if not chunk:
                    raise RuntimeError("server closed during the load")
                got += len(chunk)


def expiry(workdir, start_redis, start_ours, count=1000000):
    print(f"\nExpiry: {count} keys with a 1 s TTL; PING every ms on another connection")
    rows = {}
    for name, start in (("redis", start_redis), ("ours", start_ours)):
        server = start(workdir)
        try:
            load_expiring(server.port, count, 1000)
            last_deadline = time.time() + 1.0
            pings = []
            gone_after = None
            with socket.create_connection(("127.0.0.1", server.port)) as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                next_check = 0
                while time.time() < last_deadline + 10:
                    t0 = time.perf_counter()
                    s.sendall(b"PING\r\n")
                    reply = b""
                    while not reply.endswith(b"\r\n"):
                        reply += s.recv(64)
                    pings.append(time.perf_counter() - t0)
                    now = time.time()
                    if now >= next_check:
                        next_check = now + 0.1
                        if now > last_deadline and dbsize(server.port) == 0:
                            gone_after = now - last_deadline
                            break
                    time.sleep(0.001)
            pings.sort()
            row = {"gone_after_s": gone_after,
                   "ping_p50_ms": 1e3 * pings[len(pings) // 2],
                   "ping_p99_ms": 1e3 * pings[int(len(pings) * 0.99)],
                   "ping_max_ms": 1e3 * pings[-1], "pings": len(pings)}
            rows[name] = row
            gone = f"{gone_after:.2f} s" if gone_after is not None else "NOT within 10 s"
            print(f"  {name:<6} all gone {gone} after the last deadline; PING p50 "
                  f"{row['ping_p50_ms']:.3f} ms, p99 {row['ping_p99_ms']:.3f} ms, max "
                  f"{row['ping_max_ms']:.3f} ms ({len(pings)} pings)")
        finally:
            server.stop()
    return rows


def loops(workdir, start_ours, requests, rounds):
    print("\n--loops: one keyspace behind a mutex; 50 connections, pipeline 16")
    print(f"  {'test':<6} {'loops':>5} {'req/s':>10} {'CPU µs/req':>11}")
    rows = {}
    servers = {n: start_ours(workdir, [f"--loops={n}"]) for n in (1, 2)}
    try:
        for test in ("set", "get", "incr"):
            for n, server in servers.items():
                rates, cpus = [], []
                for _ in range(rounds):
                    argv, parse = compare.redis_benchmark(server.port, requests, 16, test)
                    argv += ["-r", "100000"]
                    run = compare.measured(server, argv, parse)
                    rates.append(run["requests"] / run["wall_s"])
                    cpus.append(1e6 * run["server_cpu_s"] / run["requests"])
                rows[f"{test}_loops{n}"] = {"requests_per_s": statistics.median(rates),
                                            "server_us_per_request": statistics.median(cpus)}
                print(f"  {test:<6} {n:>5} {statistics.median(rates):>10.0f} "
                      f"{statistics.median(cpus):>11.2f}")
    finally:
        for server in servers.values():
            server.stop()
    return rows


def memory_only(workdir, rounds):
    start_ours = lambda w, extra=(): compare.start_ours("resp", w, extra)
    return {"memory": memory_per_key(workdir, compare.start_redis, start_ours, rounds)}


def run(workdir, requests, lrange_requests, rounds):
    results = {}
    redis = compare.start_redis(workdir)
    try:
        ours = compare.start_ours("resp", workdir)
        try:
            results["suite"] = suite_cpu(redis, ours, requests, lrange_requests, rounds)
        finally:
            ours.stop()
    finally:
        redis.stop()
    start_ours = lambda w, extra=(): compare.start_ours("resp", w, extra)
    results["memory"] = memory_per_key(workdir, compare.start_redis, start_ours, rounds)
    results["expiry"] = expiry(workdir, compare.start_redis, start_ours)
    results["loops"] = loops(workdir, start_ours, requests, rounds)
    return results
