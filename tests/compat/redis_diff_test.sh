#!/usr/bin/env bash
# Our RESP server and a real redis-server answer the same commands byte for byte: the scripted
# cases, then a bounded seeded fuzz run (DIFF_FUZZ_OPS, DIFF_SEED for a longer or other run).
set -u
source "$(dirname "$0")/lib.sh"
command -v redis-server >/dev/null || { echo "redis-server missing: run scripts/setup.sh"; exit 1; }
exec python3 "$(dirname "$0")/redis_diff.py" --server="$RUNFILES/server/server" \
  --fuzz_ops="${DIFF_FUZZ_OPS:-3000}" --seed="${DIFF_SEED:-1}"
