#!/bin/sh
# gen-varlink.sh MINTD IN OUT: mint-varlink.7.scd from its template, with the
# interface description that MINTD --describe prints in place of @INTERFACE@,
# so the man page always shows the interface the daemon declares.
set -eu
desc=$(mktemp)
trap 'rm -f "$desc"' EXIT
"$1" --describe >"$desc"
awk -v desc="$desc" '
	$0 == "@INTERFACE@" { while ((getline line < desc) > 0) print line; next }
	{ print }' "$2" >"$3"
