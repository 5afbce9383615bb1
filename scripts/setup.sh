#!/usr/bin/env bash
# Installs, only when missing, the Debian packages the build, the demo and the tests need.
# Nothing else is downloaded: Bazel runs offline against these packages (see WORKSPACE).
set -euo pipefail

packages=(
  bazel-bootstrap g++ libabsl-dev libgtest-dev libbenchmark-dev nlohmann-json3-dev  # build
  clang libclang-rt-14-dev clang-format                           # fuzzing, formatting
  redis-server redis-tools nginx-light wrk nghttp2-client curl    # peers for tests and benches
  strace procps python3                                           # fault injection, tooling
  prometheus                                                      # promtool, and a real scraper in tests
  chromium                                                        # renders the HTML report in tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# Debian's packages start no services here, but on a machine with an init system they might:
# the tests start their own instances on free ports, so a system redis or nginx is harmless.
