#!/usr/bin/env bash
# Builds every fuzz target (//fuzz:*_fuzzer) with clang (--config=fuzz: libFuzzer, ASan, UBSan)
# and runs each for SECONDS (default 30) from its seed corpus fuzz/corpus/<name>. A target fails
# on any crash, sanitizer report, leak or input slower than 10 s, when its corpus is missing, and
# when it executed no input at all. Prints one PASS or FAIL line per target.
#   fuzz/run_fuzzers.sh [SECONDS]
# New inputs found go to a scratch directory, not into fuzz/corpus; crash reproducers are kept in
# $FUZZ_ARTIFACTS (default /tmp/fuzz-artifacts).
set -uo pipefail

seconds="${1:-30}"
cd "$(dirname "$0")/.."
artifacts="${FUZZ_ARTIFACTS:-/tmp/fuzz-artifacts}"
mkdir -p "$artifacts"

mapfile -t targets < <(bazel query 'kind(cc_binary, //fuzz:*)' 2>/dev/null |
  sed -n 's#^//fuzz:\(.*\)_fuzzer$#\1#p')
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "FAIL no fuzz target found (bazel query 'kind(cc_binary, //fuzz:*)')"
  exit 1
fi

if ! bazel build --config=fuzz //fuzz:all >"$artifacts/build.log" 2>&1; then
  tail -40 "$artifacts/build.log"
  echo "FAIL build (see $artifacts/build.log)"
  exit 1
fi
bin="$(bazel info --config=fuzz bazel-bin 2>/dev/null)/fuzz"

failed=0
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  if [[ -z "$(ls -A "$corpus" 2>/dev/null)" ]]; then
    echo "FAIL ${target}_fuzzer: no seed corpus in $corpus"
    failed=1
    continue
  fi
  scratch="$(mktemp -d)"
  log="$artifacts/${target}.log"
  "$bin/${target}_fuzzer" "$scratch" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
    -artifact_prefix="$artifacts/${target}-" -print_final_stats=1 >"$log" 2>&1
  status=$?
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')"
  if [[ $status -ne 0 ]]; then
    echo "FAIL ${target}_fuzzer: exit $status (log: $log)"
    grep -E 'ERROR|SUMMARY|differ|delivery|BUG|artifact' "$log" | head -5 | sed 's/^/    /'
    failed=1
  elif [[ -z "$runs" || "$runs" -eq 0 ]]; then
    echo "FAIL ${target}_fuzzer: executed ${runs:-no} inputs (log: $log)"
    failed=1
  else
    echo "PASS ${target}_fuzzer: $runs runs in ${seconds}s"
  fi
  rm -rf "$scratch"
done
exit $failed
