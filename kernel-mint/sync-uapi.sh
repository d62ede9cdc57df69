#!/bin/bash
# Regenerate the copy of the canonical UAPI header (uapi/linux/mint.h) that
# the first patch of the series adds as include/uapi/linux/mint.h, after the
# header was changed. check-uapi.sh (a meson test) fails until this is run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
canon="$here/uapi/linux/mint.h"
patch=$(grep -l '^+++ b/include/uapi/linux/mint.h' "$here"/patches/*.patch | head -n1)
[ -n "$patch" ] || { echo "no patch adds include/uapi/linux/mint.h" >&2; exit 1; }
python3 - "$patch" "$canon" <<'PY'
import re, sys
patch, canon = sys.argv[1], sys.argv[2]
text = open(patch).read()
lines = open(canon).read().split('\n')
if lines and lines[-1] == '':
    lines.pop()
start = text.index('+++ b/include/uapi/linux/mint.h\n') + len('+++ b/include/uapi/linux/mint.h\n')
hunk_end = text.find('\ndiff --git', start)
sig = text.find('\n-- \n', start)
ends = [e for e in (hunk_end, sig) if e != -1]
end = min(ends) + 1 if ends else len(text)
body = '@@ -0,0 +1,%d @@\n' % len(lines) + ''.join('+' + l + '\n' for l in lines)
text = text[:start] + body + text[end:]
old = re.search(r' include/uapi/linux/mint.h \| +(\d+) \++\n', text)
if old:
    n = len(lines)
    text = text.replace(old.group(0), ' include/uapi/linux/mint.h | %d %s\n' % (n, '+' * min(n, 40)), 1)
open(patch, 'w').write(text)
PY
echo "updated $(basename "$patch") from $canon"
