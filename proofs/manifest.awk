# SPDX-License-Identifier: ISC
# proofs/manifest.awk: Frama-C's -report-csv (tab-separated: directory, file,
# line, function, kind, status, property) to the manifest lines of
# proofs/goals.expected: "DIR/FILE<TAB>FUNCTION<TAB>KIND<TAB>STATUS<TAB>TEXT",
# the project's files only (Frama-C names them relatively, its libc under
# FRAMAC_SHARE or absolutely), line numbers left out. A property printed over
# several lines (a `complete behaviors` list) is joined into one.
function flush() {
	if (rec != "") {
		n = split(rec, f, "\t")
		if (f[1] ~ /^(src|include|proofs)(\/|$)/)
			print f[1] "/" f[2] "\t" f[4] "\t" f[5] "\t" f[6] "\t" f[7]
	}
	rec = ""
}
NR == 1 { next }
/^[^\t]*\t[^\t]*\t[0-9]+\t/ { flush(); rec = $0; next }
{ rec = rec " " $0 }
END { flush() }
