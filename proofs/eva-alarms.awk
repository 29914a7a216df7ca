# SPDX-License-Identifier: ISC
# proofs/eva-alarms.awk: list the alarms of an EVA log, one "FILE: MESSAGE" line each (used by proofs/run.sh).
# Kept: run-time-error assertions and callee preconditions. Statuses of the
# code's own ACSL annotations (loop invariants, asserts, postconditions) are
# not alarms: WP proves them (proofs/README.md).
function flush() {
	if (file != "" && (msg ~ /assert / || msg ~ /precondition/)) {
		gsub(/ +/, " ", msg); sub(/^ /, "", msg)
		gsub(/printf_va_[0-9]+/, "printf", msg)
		print file ": " msg
	}
	file = ""; msg = ""
}
/^\[eva:alarm\] / {
	flush()
	file = $2; sub(/:[0-9]+:$/, "", file)
	msg = $0; sub(/^\[eva:alarm\] [^ ]+ Warning: */, "", msg)
	next
}
/^  / && file != "" { msg = msg " " $0; next }
{ flush() }
END { flush() }
