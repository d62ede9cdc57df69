#!/bin/bash
# mint-kexec: the raw /dev/mint release, past mintd.
set -euo pipefail
install -D -m 0755 "$E2E_BUILD/kexec-ext/mint-kexec" "$1/usr/bin/mint-kexec"
