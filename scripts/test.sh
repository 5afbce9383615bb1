#!/usr/bin/env bash
# The test command: every test, then every test again under AddressSanitizer and
# UndefinedBehaviorSanitizer, then each libFuzzer target for a while. Prints one line per stage
# and ends with "N passed, N failed" (and ", N skipped" when a test skipped), counted from Bazel's
# own per-target results and the test.xml files the tests wrote (scripts/test_results.py).
#
#   scripts/test.sh [--fuzz_seconds=30] [--skip_asan] [--skip_fuzz]
#
# Test results are never taken from Bazel's cache: every run really runs every test.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "test: setup failed"; echo "0 passed, 1 failed"; exit 1; }

fuzz_seconds=30
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
mkdir -p "$logdir"
passed=0
failed=0
skipped=0
cases=0
skipped_cases=0

# Runs `bazel test` with the given flags and adds its per-target verdicts to the totals. A build
# that fails before any test runs counts as one failure, so it can never read as success.
run_bazel_tests() {
  local name=$1
  shift
  local log="$logdir/bazel-$name.log"
  echo "== bazel test $* //... ($name)"
  touch "$logdir/started-$name"
  bazel test --keep_going --nocache_test_results "$@" //... >"$log" 2>&1
  local status=$?
  local testlogs results="$logdir/results-$name.txt" p f s c sc
  testlogs=$(bazel info "$@" bazel-testlogs 2>/dev/null)
  python3 scripts/test_results.py "$log" "$testlogs" "$logdir/started-$name" >"$results" 2>&1
  grep -v '^counts ' "$results"
  read -r _ p f s c sc <<<"$(grep '^counts ' "$results" || echo 'counts 0 1 0 0 0')"
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    grep -E '^ERROR' "$log" | head -20
    f=1
  fi
  if [ "$status" -eq 0 ] && [ "$p" -eq 0 ]; then
    echo "   $name: no test target passed or failed (log: $log)"
    f=$((f + 1))
  fi
  echo "   $name: $p passed, $f failed, $s skipped; GoogleTest cases run: $c ($sc skipped)" \
    "(log: $log)"
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
  cases=$((cases + c))
  skipped_cases=$((skipped_cases + sc))
}

run_bazel_tests default
if [ "$run_asan" -eq 1 ]; then
  run_bazel_tests asan --config=asan
fi
if [ "$run_fuzz" -eq 1 ]; then
  echo "== fuzzers, ${fuzz_seconds}s each"
  if [ ! -x fuzz/run_fuzzers.sh ]; then
    # Run as a program, so a lost exec bit is noticed here rather than by someone running it.
    echo "FAIL fuzz/run_fuzzers.sh is missing or not executable"
    failed=$((failed + 1))
  else
    log="$logdir/fuzz.log"
    fuzz/run_fuzzers.sh "$fuzz_seconds" >"$log" 2>&1
    status=$?
    p=$(grep -cE '^PASS ' "$log")
    f=$(grep -cE '^FAIL ' "$log")
    grep -E '^(PASS|FAIL) |^    ' "$log"
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then tail -20 "$log"; f=1; fi
    if [ "$status" -eq 0 ] && [ "$p" -eq 0 ]; then echo "FAIL no fuzzer ran (log: $log)"; f=1; fi
    passed=$((passed + p))
    failed=$((failed + f))
  fi
fi

echo "GoogleTest cases run: $cases ($skipped_cases skipped)"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
