#!/bin/sh
# shellcheck shell=dash
# mintd benchmark: start mintd, then run mintd_bench against it (CPU 3 is the
# one handed back and forth). Results are the "BENCH" lines on the console.
# shellcheck source=/dev/null
. "${E2E_LIB:-/e2e/guest-lib.sh}"

SOCK=/run/mint/mintd.sock
mintd >/tmp/mintd.log 2>&1 &
MINTD_PID=$!
check "mintd socket appears" wait_for_socket "$SOCK" 30
E2E_CMD_TIMEOUT=800 e2e_run mintd_bench "$SOCK" "$(command -v mintctl)" 3 "$MINTD_PID"
printf '%s\n' "$E2E_OUT"
check_eq "benchmark completed" 0 "$E2E_RC"
kill "$MINTD_PID"
exit 0
