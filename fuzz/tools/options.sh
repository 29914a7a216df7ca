#!/bin/sh
# SPDX-License-Identifier: ISC
# fuzz/tools/options.sh HARNESS: fuzz/HARNESS.options' [libfuzzer] section as libFuzzer flags (-key=value), dict made a path under fuzz/.
# The same file is copied next to the binary for ClusterFuzzLite, which reads
# it itself; here it is the one place make fuzz-run and fuzz-check take
# max_len and the dictionary from. A missing file or a line that is not
# "key = value" is an error: a typo must not silently drop an option.
set -u
f=fuzz/$1.options
[ -f "$f" ] || { echo "options: no $f" >&2; exit 1; }
awk -v f="$f" '
/^[ \t]*([#;].*)?$/ { next }
/^\[.*\][ \t]*$/ { sect = $0; next }
sect != "[libfuzzer]" { next }
{
	if (!match($0, /^[ \t]*[a-z_]+[ \t]*=[ \t]*[^ \t]+[ \t]*$/)) {
		printf "options: %s:%d: not key = value: %s\n", f, NR, $0 > "/dev/stderr"
		bad = 1; exit
	}
	k = $0; sub(/[ \t]*=.*/, "", k); sub(/^[ \t]*/, "", k)
	v = $0; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t]*$/, "", v)
	if (k == "dict") v = "fuzz/" v
	out = out (out == "" ? "" : " ") "-" k "=" v
}
END { if (bad) exit 1; print out }' "$f"
