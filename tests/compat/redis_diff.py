#!/usr/bin/env python3
"""Differential test: the same RESP commands sent to our server and to a real redis-server,
replies compared byte for byte.

Runs the hand-written scripts (types, errors, expiry with short TTLs, negative ranges, empty keys,
binary values) and then a seeded random command sequence over a small key set.

  redis_diff.py --server=PATH [--fuzz_ops=3000] [--seed=1] [--redis_port=P --our_port=Q]

With --redis_port/--our_port it talks to servers already running (e.g. to compare a build by
hand); otherwise it starts both on free loopback ports, redis-server with its own config and no
persistence. Exit status 0 if every reply matched, 1 otherwise.
"""
import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    """One RESP connection; reads exactly one reply per command, returned raw and parsed."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed")
        self.buf += data

    def _line(self, pos):
        while True:
            end = self.buf.find(b"\r\n", pos)
            if end >= 0:
                return self.buf[pos:end], end + 2
            self._fill()

    def _parse(self, pos):
        line, pos = self._line(pos)
        kind, rest = line[:1], line[1:]
        if kind in (b"+", b"-", b":"):
            return (kind, rest), pos
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return (b"$", None), pos
            while len(self.buf) < pos + n + 2:
                self._fill()
            return (b"$", self.buf[pos:pos + n]), pos + n + 2
        if kind == b"*":
            n = int(rest)
            if n < 0:
                return (b"*", None), pos
            items = []
            for _ in range(n):
                item, pos = self._parse(pos)
                items.append(item)
            return (b"*", items), pos
        raise ValueError("bad reply line %r" % line)

    def call(self, args):
        self.sock.sendall(encode(args))
        while not self.buf:
            self._fill()
        value, end = self._parse(0)
        raw, self.buf = self.buf[:end], self.buf[end:]
        return raw, value


# Commands whose reply order is the hash table's (Redis's own order is per-process random for
# big sets and insertion order for small hashes): compared as sorted elements (pairs for
# HGETALL).
UNORDERED = {"smembers", "keys"}
UNORDERED_PAIRS = {"hgetall"}


def canonical(args, raw, value):
    name = args[0].lower() if isinstance(args[0], str) else args[0].decode().lower()
    if value[0] == b"*" and value[1] is not None:
        if name in UNORDERED:
            return (b"*", sorted(repr(v) for v in value[1]))
        if name in UNORDERED_PAIRS:
            items = value[1]
            return (b"*", sorted(repr(items[i:i + 2]) for i in range(0, len(items), 2)))
    return raw


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, proc, what):
    for _ in range(200):
        if proc.poll() is not None:
            sys.exit("%s exited early with %s" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("%s did not start" % what)


def start_redis(workdir):
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--databases", "1", "--dir", workdir, "--logfile", ""],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, proc, "redis-server")
    return proc, port


def start_ours(path):
    proc = subprocess.Popen([path, "--protocol=resp", "--port=0"], stdout=subprocess.PIPE,
                            stderr=sys.stderr, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on "):
        sys.exit("server did not start: %r" % line)
    port = int(line.rsplit(":", 1)[1])
    return proc, port


BIN = b"a\x00b\r\n\xff"

# (command...) or ("SLEEP", seconds). Each script starts from an empty keyspace.
SCRIPTS = {
    "strings": [
        ("SET", "s", "hello"), ("GET", "s"), ("GET", "missing"), ("APPEND", "s", " world"),
        ("STRLEN", "s"), ("STRLEN", "missing"), ("APPEND", "new", "x"), ("SET", "empty", ""),
        ("GET", "empty"), ("STRLEN", "empty"), ("SET", "", "empty key"), ("GET", ""),
        ("SET", "bin", BIN), ("GET", "bin"), ("SET", BIN, "binary key"), ("GET", BIN),
        ("MSET", "a", "1", "b", "2", "c", "3"), ("MGET", "a", "b", "missing", "c"),
        ("MSET", "a"), ("MSET", "a", "1", "b"), ("GET",), ("GET", "a", "b"), ("SET", "x"),
        ("SET", "n", "NX"), ("SET", "s", "v", "NX"), ("SET", "nx", "v", "NX"), ("GET", "nx"),
        ("SET", "xx", "v", "XX"), ("GET", "xx"), ("SET", "s", "v2", "XX"), ("GET", "s"),
        ("SET", "s", "v", "NX", "XX"), ("SET", "s", "v", "XX", "NX"), ("SET", "s", "v", "BOGUS"),
        ("SET", "s", "v", "GET"), ("SET", "s", "w", "NX", "GET"), ("SET", "g", "w", "NX", "GET"),
        ("SET", "s", "v", "EX"), ("SET", "s", "v", "EX", "0"), ("SET", "s", "v", "EX", "-5"),
        ("SET", "s", "v", "EX", "abc"), ("SET", "s", "v", "PX", "1.5"),
        ("SET", "s", "v", "EX", "10", "PX", "100"), ("SET", "s", "v", "KEEPTTL", "EX", "10"),
        ("SET", "s", "v", "EX", "10", "KEEPTTL"), ("SET", "s", "v", "EX", "100", "EX", "200"),
        ("TTL", "s"), ("SET", "s", "v", "EX", "9223372036854775807"),
        ("SET", "s", "v", "PX", "9223372036854775807"), ("SET", "s", "v", "EXAT", "1"),
        ("GET", "s"), ("SET", "s", "v", "PXAT", "99999999999999"), ("TTL", "s"),
        ("SET", "s", "v2", "KEEPTTL"), ("TTL", "s"), ("SET", "s", "v3"), ("TTL", "s"),
        ("set", "lower", "case"), ("GeT", "lower"),
    ],
    # Keys and string values of 23 bytes are kept in place, 24 and more on the heap
    # (keyspace/compact_bytes.h): lengths either side, appends across the limit, shrinking back.
    "compact_bytes": [
        *[c for n in (22, 23, 24, 25, 100)
          for c in (("SET", "k" * n, "v" * n), ("GET", "k" * n), ("STRLEN", "k" * n),
                    ("EXISTS", "k" * n), ("TYPE", "k" * n))],
        ("SET", "grow", "x" * 20), *[("APPEND", "grow", "y") for _ in range(6)], ("GET", "grow"),
        ("APPEND", "grow", "z" * 100), ("GET", "grow"), ("STRLEN", "grow"),
        ("SET", "grow", "12"), ("INCR", "grow"), ("GET", "grow"), ("APPEND", "grow", "0" * 30),
        ("GET", "grow"), ("SET", "grow", "-" + "1" * 18), ("DECR", "grow"), ("GET", "grow"),
        ("SET", "b" * 23 + "\x00", BIN * 5), ("GET", "b" * 23 + "\x00"), ("GET", "b" * 23),
        ("DEL", "k" * 23, "k" * 24), ("KEYS", "k*"), ("DBSIZE",),
    ],
    "integers": [
        ("INCR", "n"), ("INCR", "n"), ("DECR", "n"), ("DECR", "n"), ("DECR", "n"),
        ("INCRBY", "n", "100"), ("INCRBY", "n", "-1000"), ("DECRBY", "n", "5"),
        ("INCRBY", "n", "abc"), ("INCRBY", "n", "1.5"), ("INCRBY", "n", ""),
        ("INCRBY", "n", "+1"), ("INCRBY", "n", "01"), ("INCRBY", "n", " 1"),
        ("SET", "big", "9223372036854775807"), ("INCR", "big"), ("GET", "big"),
        ("SET", "small", "-9223372036854775808"), ("DECR", "small"),
        ("DECRBY", "x", "-9223372036854775808"), ("INCRBY", "x", "9223372036854775808"),
        ("SET", "s", "text"), ("INCR", "s"), ("SET", "z", "007"), ("INCR", "z"),
        ("SET", "sp", " 7"), ("INCR", "sp"), ("SET", "neg0", "-0"), ("INCR", "neg0"),
        ("SET", "e", ""), ("INCR", "e"), ("LPUSH", "l", "a"), ("INCR", "l"), ("DECRBY", "l", "1"),
        ("SET", "t", "5"), ("EXPIRE", "t", "100"), ("INCR", "t"), ("TTL", "t"), ("INCR",),
        ("INCRBY", "n"),
    ],
    "lists": [
        ("LPUSH", "l", "a", "b", "c"), ("RPUSH", "l", "d", "e"), ("LRANGE", "l", "0", "-1"),
        ("LRANGE", "l", "0", "4"), ("LRANGE", "l", "0", "5"), ("LRANGE", "l", "4", "4"),
        ("LRANGE", "l", "-5", "-5"), ("LRANGE", "l", "-6", "0"),
        ("LRANGE", "l", "-2", "-1"), ("LRANGE", "l", "-100", "100"), ("LRANGE", "l", "3", "1"),
        ("LRANGE", "l", "5", "10"), ("LRANGE", "l", "-1", "-2"), ("LRANGE", "l", "a", "1"),
        ("LRANGE", "l", "0", "b"), ("LRANGE", "missing", "0", "-1"), ("LLEN", "l"),
        ("LLEN", "missing"), ("LPOP", "l"), ("RPOP", "l"), ("LPOP", "l", "2"),
        ("RPOP", "l", "0"), ("RPOP", "l", "5"), ("LPOP", "l"), ("RPOP", "l"), ("EXISTS", "l"),
        ("LPOP", "missing"), ("LPOP", "missing", "1"), ("LPOP", "l", "-1"),
        ("LPOP", "l", "x"), ("LPOP", "l", "1", "2"), ("RPUSH", "l", BIN, ""),
        ("LRANGE", "l", "0", "-1"), ("SET", "s", "v"), ("LPUSH", "s", "x"), ("LRANGE", "s", "0", "1"),
        ("LLEN", "s"), ("LPOP", "s"), ("RPOP", "s", "1"), ("LPUSH", "l"), ("TYPE", "l"),
    ],
    "sets": [
        ("SADD", "s", "a", "b", "c", "a"), ("SADD", "s", "b", "d"), ("SCARD", "s"),
        ("SISMEMBER", "s", "a"), ("SISMEMBER", "s", "z"), ("SISMEMBER", "missing", "a"),
        ("SMEMBERS", "s"), ("SMEMBERS", "missing"), ("SREM", "s", "a", "z"), ("SCARD", "s"),
        ("SADD", "n", "3", "1", "2"), ("SMEMBERS", "n"), ("SADD", "one", "x"), ("SPOP", "one"),
        ("EXISTS", "one"), ("SPOP", "one"), ("SPOP", "one", "1"), ("SADD", "one", "y"),
        ("SPOP", "one", "0"), ("SPOP", "one", "5"), ("SPOP", "one", "-1"), ("SPOP", "one", "x"),
        ("SPOP", "one", "1", "2"), ("SET", "str", "v"), ("SADD", "str", "a"), ("SCARD", "str"),
        ("SMEMBERS", "str"), ("SISMEMBER", "str", "a"), ("SPOP", "str"), ("TYPE", "s"),
        ("SCARD", "missing"), ("SADD", "s"),
    ],
    "hashes": [
        ("HSET", "h", "f1", "v1", "f2", "v2"), ("HSET", "h", "f1", "new", "f3", "v3"),
        ("HGET", "h", "f1"), ("HGET", "h", "nope"), ("HGET", "missing", "f"),
        ("HGETALL", "h"), ("HGETALL", "missing"), ("HDEL", "h", "f1", "nope"), ("HGETALL", "h"),
        ("HDEL", "h", "f2", "f3"), ("EXISTS", "h"), ("HSET", "h", "f"), ("HSET", "h", "f", "v", "g"),
        ("HMSET", "h", "a", "1"), ("HLEN", "h"), ("HSET", "h", "", BIN), ("HGET", "h", ""),
        ("SET", "s", "v"), ("HSET", "s", "f", "v"), ("HGET", "s", "f"), ("HGETALL", "s"),
        ("HDEL", "s", "f"), ("HDEL", "missing", "f"), ("TYPE", "h"),
    ],
    "sorted_sets": [
        ("ZADD", "z", "1", "a", "2", "b", "3", "c"), ("ZADD", "z", "1.5", "a"), ("ZSCORE", "z", "a"),
        ("ZSCORE", "z", "nope"), ("ZSCORE", "missing", "a"), ("ZCARD", "z"), ("ZCARD", "missing"),
        ("ZRANGE", "z", "0", "-1"), ("ZRANGE", "z", "0", "-1", "WITHSCORES"),
        ("ZRANGE", "z", "-2", "-1", "withscores"), ("ZRANGE", "z", "5", "10"),
        ("ZRANGE", "z", "0", "-1", "REV"), ("ZRANGE", "z", "0", "0", "REV", "WITHSCORES"),
        ("ZRANGE", "z", "0", "-1", "BOGUS"), ("ZRANGE", "z", "a", "1"),
        ("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"), ("ZRANGE", "missing", "0", "-1"),
        ("ZADD", "z", "0.1", "d", "-inf", "e", "+inf", "f", "1e3", "g"),
        ("ZRANGE", "z", "0", "-1", "WITHSCORES"), ("ZADD", "z", "nan", "x"),
        ("ZADD", "z", "abc", "x"), ("ZADD", "z", "1"), ("ZADD", "z", "1", "a", "2"),
        ("ZADD", "z", "NX", "XX", "1", "a"), ("ZADD", "z", "GT", "LT", "1", "a"),
        ("ZADD", "z", "NX", "GT", "1", "a"), ("ZADD", "z", "INCR", "1", "a", "2", "b"),
        ("ZADD", "z", "NX", "5", "a", "5", "new"), ("ZADD", "z", "XX", "CH", "7", "a", "7", "zz"),
        ("ZADD", "z", "GT", "CH", "1", "a", "100", "b"), ("ZADD", "z", "LT", "CH", "1", "a"),
        ("ZADD", "z", "INCR", "2.5", "a"), ("ZADD", "z", "INCR", "NX", "1", "a"),
        ("ZADD", "z", "INCR", "+inf", "a"), ("ZADD", "z", "INCR", "-inf", "a"),
        ("ZADD", "xx", "XX", "1", "a"), ("EXISTS", "xx"), ("ZADD", "same", "1", "b", "1", "a"),
        ("ZRANGE", "same", "0", "-1"), ("ZPOPMIN", "z"), ("ZPOPMIN", "z", "2"),
        ("ZPOPMIN", "z", "0"), ("ZPOPMIN", "z", "-1"), ("ZPOPMIN", "missing"),
        ("ZPOPMIN", "z", "1", "2"), ("ZPOPMAX", "z"), ("ZPOPMIN", "z", "100"), ("EXISTS", "z"),
        ("ZREM", "same", "a", "x"), ("ZADD", "s", "1", "m"), ("SET", "str", "v"),
        ("ZADD", "str", "1", "a"), ("ZSCORE", "str", "a"), ("ZRANGE", "str", "0", "1"),
        ("ZPOPMIN", "str"), ("ZCARD", "str"), ("TYPE", "s"), ("ZADD", "f", "0.1", "a", "1e-5", "b"),
        ("ZRANGE", "f", "0", "-1", "WITHSCORES"), ("ZADD", "f", "0x10", "hex"), ("ZSCORE", "f", "hex"),
    ],
    "sorted_set_ranges": [
        ("ZADD", "z", "1", "a", "2", "b", "2", "bb", "3", "c", "-inf", "lo", "+inf", "hi", "0", "z0"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf"), ("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"),
        ("ZRANGEBYSCORE", "z", "1", "2"), ("ZRANGEBYSCORE", "z", "(1", "2"),
        ("ZRANGEBYSCORE", "z", "1", "(2"), ("ZRANGEBYSCORE", "z", "(1", "(2"),
        ("ZRANGEBYSCORE", "z", "(-inf", "(+inf"), ("ZRANGEBYSCORE", "z", "2", "1"),
        ("ZRANGEBYSCORE", "z", "2", "2"), ("ZRANGEBYSCORE", "z", "(2", "2"),
        ("ZRANGEBYSCORE", "z", "inf", "inf"), ("ZRANGEBYSCORE", "z", "-inf", "-inf"),
        ("ZRANGEBYSCORE", "z", " 1", "0x3"), ("ZRANGEBYSCORE", "z", "(", "2"),
        ("ZRANGEBYSCORE", "z", "1e400", "inf"), ("ZRANGEBYSCORE", "z", "-0", "0"),
        ("ZRANGEBYSCORE", "z", "nan", "1"), ("ZRANGEBYSCORE", "z", "1", "x"),
        ("ZRANGEBYSCORE", "z", "((1", "2"), ("ZRANGEBYSCORE", "z", "1 ", "2"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "2"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "-1"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "-5"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "0"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "7", "2"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "100", "2"),
        ("ZRANGEBYSCORE", "z", "2", "3", "LIMIT", "2", "5"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "a", "1"),
        ("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", "LIMIT", "0", "3", "WITHSCORES"),
        ("ZRANGEBYSCORE", "z", "0", "1", "REV"), ("ZRANGEBYSCORE", "z", "0", "1", "BYLEX"),
        ("ZRANGEBYSCORE", "z", "0"), ("ZRANGEBYSCORE", "missing", "0", "1"),
        ("ZRANGEBYSCORE", "missing", "x", "1"),
        ("ZREVRANGEBYSCORE", "z", "+inf", "-inf"), ("ZREVRANGEBYSCORE", "z", "2", "1"),
        ("ZREVRANGEBYSCORE", "z", "(2", "1", "WITHSCORES"), ("ZREVRANGEBYSCORE", "z", "1", "2"),
        ("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "2", "3"),
        ("ZREVRANGEBYSCORE", "z", "2", "(1"), ("ZREVRANGEBYSCORE", "z", "(+inf", "(-inf"),
        ("ZRANGE", "z", "1", "2", "BYSCORE"), ("ZRANGE", "z", "2", "1", "BYSCORE", "REV"),
        ("ZRANGE", "z", "(1", "+inf", "BYSCORE", "LIMIT", "1", "2", "WITHSCORES"),
        ("ZRANGE", "z", "+inf", "(1", "REV", "BYSCORE", "LIMIT", "1", "2", "WITHSCORES"),
        ("ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"), ("ZRANGE", "z", "0", "-1", "REV", "REV"),
        ("ZRANGE", "z", "0", "-1", "BYSCORE", "BYSCORE"),
        ("ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"), ("ZRANGE", "z", "x", "1", "BYSCORE"),
        ("ZREVRANGE", "z", "0", "2"), ("ZREVRANGE", "z", "0", "2", "WITHSCORES"),
        ("ZREVRANGE", "z", "0", "2", "REV"), ("ZREVRANGE", "z", "0", "2", "LIMIT", "0", "1"),
        ("ZREVRANGE", "z", "0", "2", "BYSCORE"), ("ZREVRANGE", "z", "-2", "-1"),
        ("ZCOUNT", "z", "-inf", "+inf"), ("ZCOUNT", "z", "(1", "2"), ("ZCOUNT", "z", "2", "1"),
        ("ZCOUNT", "z", "x", "1"), ("ZCOUNT", "missing", "0", "1"), ("ZCOUNT", "missing", "x", "1"),
        ("ZCOUNT", "z", "0"), ("ZCOUNT", "z", "0", "1", "2"),
        ("ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "", "0", BIN,
         "0", "bb", "0", "\xff"),
        ("ZRANGEBYLEX", "lex", "-", "+"), ("ZRANGEBYLEX", "lex", "[b", "[d"),
        ("ZRANGEBYLEX", "lex", "(b", "(d"), ("ZRANGEBYLEX", "lex", "[b", "(bb"),
        ("ZRANGEBYLEX", "lex", "[", "+"), ("ZRANGEBYLEX", "lex", "(", "[a"),
        ("ZRANGEBYLEX", "lex", "-", "-"), ("ZRANGEBYLEX", "lex", "+", "+"),
        ("ZRANGEBYLEX", "lex", "+", "-"), ("ZRANGEBYLEX", "lex", "[d", "[b"),
        ("ZRANGEBYLEX", "lex", "[c", "(c"), ("ZRANGEBYLEX", "lex", "[c", "[c"),
        ("ZRANGEBYLEX", "lex", "a", "[c"), ("ZRANGEBYLEX", "lex", "[a", ""),
        ("ZRANGEBYLEX", "lex", "-x", "+"), ("ZRANGEBYLEX", "lex", "-", "+", "LIMIT", "2", "3"),
        ("ZRANGEBYLEX", "lex", "-", "+", "LIMIT", "-1", "3"),
        ("ZRANGEBYLEX", "lex", "-", "+", "WITHSCORES"), ("ZRANGEBYLEX", "lex", "[a", "[\xff"),
        ("ZREVRANGEBYLEX", "lex", "+", "-"), ("ZREVRANGEBYLEX", "lex", "[d", "(b"),
        ("ZREVRANGEBYLEX", "lex", "-", "+"), ("ZREVRANGEBYLEX", "lex", "+", "-", "LIMIT", "1", "2"),
        ("ZRANGE", "lex", "[b", "[d", "BYLEX"), ("ZRANGE", "lex", "[d", "[b", "BYLEX", "REV"),
        ("ZRANGE", "lex", "+", "(a", "BYLEX", "REV", "LIMIT", "1", "3"),
        ("ZLEXCOUNT", "lex", "-", "+"), ("ZLEXCOUNT", "lex", "[b", "(d"),
        ("ZLEXCOUNT", "lex", "x", "+"), ("ZLEXCOUNT", "missing", "-", "+"),
        ("ZLEXCOUNT", "z", "-", "+"), ("ZLEXCOUNT", "z", "[b", "[c"),
        ("ZRANGEBYLEX", "z", "[a", "[c"), ("ZRANGEBYLEX", "z", "[b", "+"),
        ("ZREVRANGEBYLEX", "z", "[c", "-"), ("ZREVRANGEBYLEX", "z", "(bb", "[a"),
        ("SET", "str", "v"), ("ZRANGEBYSCORE", "str", "0", "1"), ("ZRANGEBYSCORE", "str", "x", "1"),
        ("ZRANGEBYLEX", "str", "-", "+"), ("ZCOUNT", "str", "0", "1"), ("ZLEXCOUNT", "str", "-", "+"),
    ] + [("ZADD", "big", str(i % 37), "m%03d" % i) for i in range(300)] + [
        ("ZADD", "biglex", "0", "m%03d" % i) for i in range(300)] + [
        ("ZRANGEBYSCORE", "big", "5", "(7", "WITHSCORES"), ("ZCOUNT", "big", "(10", "20"),
        ("ZREVRANGEBYSCORE", "big", "36", "35", "LIMIT", "3", "4"),
        ("ZRANGEBYSCORE", "big", "-inf", "+inf", "LIMIT", "290", "100"),
        ("ZRANGEBYLEX", "biglex", "[m100", "(m110"), ("ZREVRANGEBYLEX", "biglex", "(m200", "-",
                                                          "LIMIT", "0", "5"),
        ("ZLEXCOUNT", "biglex", "(m050", "[m250"), ("ZRANGE", "biglex", "[m298", "+", "BYLEX"),
    ],
    "keys": [
        ("MSET", "one", "1", "two", "2", "three", "3", "four", "4"), ("RPUSH", "list", "x"),
        ("DEL", "one", "missing", "two"), ("EXISTS", "one", "three", "three", "list"),
        ("TYPE", "three"), ("TYPE", "list"), ("TYPE", "missing"), ("KEYS", "*"),
        ("KEYS", "t*"), ("KEYS", "?our"), ("KEYS", "[tf]*"), ("KEYS", "[^t]*"), ("KEYS", "nomatch"),
        ("KEYS", "*e*"), ("KEYS", "T*"), ("DBSIZE",), ("SELECT", "0"), ("SELECT", "1"),
        ("SELECT", "x"), ("FLUSHALL", "bogus"), ("FLUSHALL", "SYNC"), ("DBSIZE",), ("KEYS", "*"),
        ("FLUSHALL", "a", "b"), ("DEL",), ("EXISTS",), ("NOSUCHCOMMAND", "a", "b"), ("PING",),
        ("PING", "hi"), ("PING", "a", "b"), ("ECHO", BIN), ("TYPE",),
    ],
    "expiry": [
        ("SET", "k", "v"), ("TTL", "k"), ("PTTL", "k"), ("TTL", "missing"), ("PTTL", "missing"),
        ("EXPIRE", "k", "100"), ("TTL", "k"), ("PERSIST", "k"), ("TTL", "k"), ("PERSIST", "k"),
        ("PERSIST", "missing"), ("EXPIRE", "missing", "10"), ("EXPIRE", "k", "abc"),
        ("EXPIRE", "k", "100", "NX"), ("EXPIRE", "k", "200", "NX"), ("TTL", "k"),
        ("EXPIRE", "k", "50", "GT"), ("EXPIRE", "k", "300", "GT"), ("TTL", "k"),
        ("EXPIRE", "k", "400", "LT"), ("EXPIRE", "k", "10", "LT"), ("TTL", "k"),
        ("EXPIRE", "k", "10", "XX"), ("EXPIRE", "k", "10", "NX", "XX"), ("EXPIRE", "k", "10", "GT", "LT"),
        ("EXPIRE", "k", "10", "BOGUS"), ("EXPIRE", "k", "9223372036854775807"),
        ("PEXPIRE", "k", "9223372036854775807"), ("EXPIRE", "k", "-9223372036854775808"),
        ("SET", "p", "v"), ("EXPIRE", "p", "10", "XX"), ("EXPIRE", "p", "10", "GT"),
        ("EXPIRE", "p", "10", "LT"), ("TTL", "p"), ("EXPIRE", "p", "0"), ("EXISTS", "p"),
        ("SET", "q", "v"), ("EXPIRE", "q", "-1"), ("GET", "q"), ("SET", "short", "v", "PX", "100"),
        ("RPUSH", "shortlist", "a"), ("PEXPIRE", "shortlist", "100"), ("GET", "short"),
        ("SLEEP", 0.25), ("GET", "short"), ("EXISTS", "shortlist"), ("TTL", "short"),
        ("LLEN", "shortlist"), ("SET", "s2", "v", "EX", "1"), ("TTL", "s2"),
        ("SET", "s3", "v"), ("PEXPIREAT", "s3", "1"), ("EXISTS", "s3"), ("SET", "s4", "v"),
        ("EXPIREAT", "s4", "99999999999"), ("TTL", "s4"), ("SET", "s4", "w"), ("TTL", "s4"),
        ("SET", "i", "1"), ("EXPIRE", "i", "100"), ("INCR", "i"), ("TTL", "i"),
        ("APPEND", "i", "0"), ("TTL", "i"), ("SET", "ex", "v", "PX", "150"),
        ("SET", "ex2", "v", "PX", "150"), ("SLEEP", 0.3), ("KEYS", "ex*"), ("EXISTS", "ex", "ex2"),
        ("SET", "ex", "back"), ("TTL", "ex"), ("TTL",), ("EXPIRE", "k"),
    ],
}


class Differ:
    def __init__(self, ours, redis):
        self.ours = ours
        self.redis = redis
        self.compared = 0
        self.mismatches = 0

    def run(self, args, label):
        if args[0] == "SLEEP":
            time.sleep(args[1])
            return
        theirs_raw, theirs = self.redis.call(args)
        ours_raw, ours = self.ours.call(args)
        self.compared += 1
        if canonical(args, theirs_raw, theirs) != canonical(args, ours_raw, ours):
            self.mismatches += 1
            if self.mismatches <= 30:
                print("MISMATCH [%s] %r\n  redis: %r\n  ours:  %r" % (label, args, theirs_raw,
                                                                    ours_raw))


def random_command(rng):
    keys = ["k0", "k1", "k2", "k3", "k4"]
    k = rng.choice(keys)
    val = lambda: rng.choice(["", "v", "1", "-3", "10", "x" * rng.randint(1, 40), BIN, "007"])
    num = lambda: rng.choice(["0", "1", "2", "3", "4", "-1", "-2", "-3", "5", "-100", "100", "abc",
                              "1.5"])
    member = lambda: rng.choice(["a", "b", "c", "d", "", BIN])
    score = lambda: rng.choice(["0", "1", "-1", "2.5", "1e3", "-inf", "+inf", "x", "0.1"])
    bound = lambda: rng.choice(["", "("]) + score()
    lex = lambda: rng.choice(["-", "+", "[", "(", ""]) + rng.choice(["a", "b", "c", "d", ""])

    def options(*words):
        # Some of `words` and a LIMIT, in a random order.
        picked = [[w] for w in words] + [["LIMIT", num(), num()]]
        return [w for group in rng.sample(picked, rng.randint(0, len(picked))) for w in group]

    choices = [
        lambda: ("SET", k, val()), lambda: ("GET", k), lambda: ("DEL", k, rng.choice(keys)),
        lambda: ("EXISTS", k, rng.choice(keys)), lambda: ("TYPE", k), lambda: ("INCR", k),
        lambda: ("DECR", k), lambda: ("INCRBY", k, num()), lambda: ("APPEND", k, val()),
        lambda: ("STRLEN", k), lambda: ("MSET", k, val(), rng.choice(keys), val()),
        lambda: ("MGET", k, rng.choice(keys)), lambda: ("LPUSH", k, val(), val()),
        lambda: ("RPUSH", k, val()), lambda: ("LPOP", k), lambda: ("RPOP", k, num()),
        lambda: ("LRANGE", k, num(), num()), lambda: ("LLEN", k), lambda: ("SADD", k, member()),
        lambda: ("SREM", k, member()), lambda: ("SCARD", k), lambda: ("SISMEMBER", k, member()),
        lambda: ("SMEMBERS", k), lambda: ("HSET", k, member(), val()), lambda: ("HGET", k, member()),
        lambda: ("HDEL", k, member()), lambda: ("HGETALL", k), lambda: ("HLEN", k),
        lambda: ("ZADD", k, score(), member()),
        lambda: ("ZADD", k, rng.choice(["NX", "XX", "GT", "LT", "CH", "INCR"]), score(), member()),
        lambda: ("ZSCORE", k, member()), lambda: ("ZCARD", k), lambda: ("ZREM", k, member()),
        lambda: ("ZRANGE", k, num(), num()), lambda: ("ZRANGE", k, num(), num(), "WITHSCORES"),
        lambda: ("ZPOPMIN", k), lambda: ("ZPOPMAX", k, num()),
        lambda: (rng.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZCOUNT"]), k, bound(), bound()),
        lambda: ("ZRANGE", k, bound(), bound(), "BYSCORE", *options("REV", "WITHSCORES")),
        lambda: (rng.choice(["ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT"]), k, lex(), lex()),
        lambda: ("ZRANGE", k, lex(), lex(), "BYLEX", *options("REV")),
        lambda: ("EXPIRE", k, rng.choice(["100", "200", "-1", "0"])), lambda: ("TTL", k),
        lambda: ("PERSIST", k), lambda: ("KEYS", rng.choice(["*", "k[0-2]", "k?", "x*"])),
        lambda: ("DBSIZE",), lambda: ("SET", k, val(), rng.choice(["NX", "XX", "GET", "KEEPTTL"])),
    ]
    return rng.choice(choices)()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", help="our server binary (not needed with --our_port)")
    parser.add_argument("--our_port", type=int)
    parser.add_argument("--redis_port", type=int)
    parser.add_argument("--fuzz_ops", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("DIFF_SEED", "1")))
    options = parser.parse_args()

    procs = []
    workdir = tempfile.mkdtemp(prefix="redis_diff")
    try:
        if options.redis_port:
            redis_port = options.redis_port
        else:
            proc, redis_port = start_redis(workdir)
            procs.append(proc)
        if options.our_port:
            our_port = options.our_port
        else:
            proc, our_port = start_ours(options.server)
            procs.append(proc)

        ours, redis = Conn(our_port), Conn(redis_port)
        differ = Differ(ours, redis)
        for name, script in SCRIPTS.items():
            differ.run(("FLUSHALL",), name)
            for args in script:
                differ.run(args, name)
        print("scripts: %d replies compared, %d mismatches" % (differ.compared,
                                                             differ.mismatches))
        rng = random.Random(options.seed)
        differ.run(("FLUSHALL",), "fuzz")
        before = differ.compared
        for i in range(options.fuzz_ops):
            differ.run(random_command(rng), "fuzz seed %d op %d" % (options.seed, i))
        print("fuzz (seed %d): %d replies compared" % (options.seed, differ.compared - before))
        print("total: %d compared, %d mismatches" % (differ.compared, differ.mismatches))
        return 1 if differ.mismatches else 0
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
