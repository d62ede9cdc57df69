#!/bin/bash
# Put the benchmark program into the guest's root ($1).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
bench=${MINT_BUILD_DIR:-$repo/build}/eval/mintd_bench
[ -x "$bench" ] || { echo "stage.sh: $bench is not built (ninja -C build)" >&2; exit 1; }
install -m 0755 "$bench" "$1/usr/bin/mintd_bench"
