#!/usr/bin/env bash
# The test command: every test, then every test again under AddressSanitizer and
# UndefinedBehaviorSanitizer, then each libFuzzer target for a while. Prints one line per stage
# and ends with "N passed, N failed" counted from Bazel's own per-target results.
#
#   scripts/test.sh [--fuzz_seconds=60] [--skip_asan] [--skip_fuzz]
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "test: setup failed"; echo "0 passed, 1 failed"; exit 1; }

fuzz_seconds=60
run_asan=1
run_fuzz=1
for arg in "$@"; do
  case "$arg" in
    --fuzz_seconds=*) fuzz_seconds="${arg#*=}" ;;
    --skip_asan) run_asan=0 ;;
    --skip_fuzz) run_fuzz=0 ;;
    *) echo "test: unknown argument '$arg' (accepted: --fuzz_seconds=N, --skip_asan, --skip_fuzz)" >&2
       exit 2 ;;
  esac
done

logdir=${TEST_LOG_DIR:-$(mktemp -d)}
passed=0
failed=0

# Runs `bazel test` with the given flags and adds its per-target verdicts to the totals. A build
# that fails before any test runs counts as one failure, so it can never read as success.
run_bazel_tests() {
  local name=$1
  shift
  local log="$logdir/bazel-$name.log"
  echo "== bazel test $* //... ($name)"
  bazel test --keep_going "$@" //... >"$log" 2>&1
  local status=$?
  local p f
  p=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log")
  f=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|FLAKY|NO STATUS|INCOMPLETE|FAILED TO BUILD)' "$log")
  grep -E '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|FLAKY|NO STATUS|INCOMPLETE|FAILED TO BUILD)' "$log"
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    grep -E '^ERROR' "$log" | head -20
    f=1
  fi
  echo "   $name: $p passed, $f failed (log: $log)"
  passed=$((passed + p))
  failed=$((failed + f))
}

run_bazel_tests default
if [ "$run_asan" -eq 1 ]; then
  run_bazel_tests asan --config=asan
fi
if [ "$run_fuzz" -eq 1 ] && [ -x fuzz/run_fuzzers.sh ]; then
  echo "== fuzzers, ${fuzz_seconds}s each"
  log="$logdir/fuzz.log"
  bash fuzz/run_fuzzers.sh "$fuzz_seconds" >"$log" 2>&1
  status=$?
  p=$(grep -cE '^PASS ' "$log")
  f=$(grep -cE '^FAIL ' "$log")
  grep -E '^(PASS|FAIL) ' "$log"
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then tail -20 "$log"; f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
