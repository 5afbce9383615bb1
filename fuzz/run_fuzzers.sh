#!/usr/bin/env bash
# Builds the parser fuzz targets with clang (--config=fuzz: libFuzzer, ASan, UBSan) and runs each
# for SECONDS (default 60) from its seed corpus. Fails on any crash, sanitizer report, leak or
# input slower than 10 s. Prints one line per target.
#   fuzz/run_fuzzers.sh [SECONDS]
# New inputs found go to a scratch directory, not into fuzz/corpus; crash reproducers are kept in
# $FUZZ_ARTIFACTS (default /tmp/fuzz-artifacts).
set -uo pipefail

seconds="${1:-60}"
cd "$(dirname "$0")/.."
targets=(resp_request resp_reply http_request http_response)
artifacts="${FUZZ_ARTIFACTS:-/tmp/fuzz-artifacts}"
mkdir -p "$artifacts"

if ! bazel build --config=fuzz //fuzz:all >/tmp/fuzz-build.log 2>&1; then
  tail -40 /tmp/fuzz-build.log
  echo "FAIL build (see /tmp/fuzz-build.log)"
  exit 1
fi
bin="$(bazel info --config=fuzz bazel-bin 2>/dev/null)/fuzz"

failed=0
for target in "${targets[@]}"; do
  scratch="$(mktemp -d)"
  log="$artifacts/${target}.log"
  "$bin/${target}_fuzzer" "$scratch" "fuzz/corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
    -artifact_prefix="$artifacts/${target}-" -print_final_stats=1 >"$log" 2>&1
  status=$?
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')"
  if [[ $status -eq 0 ]]; then
    echo "PASS ${target}_fuzzer: ${runs:-?} runs in ${seconds}s"
  else
    echo "FAIL ${target}_fuzzer: exit $status (log: $log)"
    grep -E 'ERROR|SUMMARY|differ|artifact' "$log" | head -5 | sed 's/^/    /'
    failed=1
  fi
  rm -rf "$scratch"
done
exit $failed
