#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/cross/size.sh: `make size`. Prints the size of every echod build (as
# built and stripped) and fails if the stripped static musl x86-64 binary
# is over the budget (128 KiB). Stripped copies go to build/cross/size/.
set -u
BUDGET=131072
STATIC=build/static/echod
OUT=build/cross/size
mkdir -p "$OUT"

strip_for() {	# the strip that knows this ELF's machine
	case "$(readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p')" in
	AArch64)	echo aarch64-linux-gnu-strip ;;
	ARM)		echo arm-linux-gnueabihf-strip ;;
	*)		echo strip ;;
	esac
}

printf '%-36s %10s %10s  %s\n' build bytes stripped kind
for f in $(find build -maxdepth 3 -path build/cross -prune -o -type f -name echod -print | sort); do
	name=$(echo "${f#build/}" | tr / _)
	s=$(strip_for "$f")
	if "$s" -o "$OUT/$name" "$f" 2>/dev/null; then
		st=$(wc -c <"$OUT/$name")
	else
		st=-
	fi
	kind=$(file -b "$f" | sed -E 's/, (BuildID|with debug|not stripped|for GNU).*//; s/ELF //')
	printf '%-36s %10s %10s  %s\n' "$f" "$(wc -c <"$f")" "$st" "$kind"
done

if [ ! -f "$STATIC" ]; then
	echo "size: $STATIC not built (make STATIC=1 CC=musl-gcc)"
	exit 1
fi
st=$(wc -c <"$OUT/static_echod")
if [ "$st" -gt "$BUDGET" ]; then
	echo "size: FAIL: stripped static musl echod is $st bytes, over the $BUDGET-byte budget"
	exit 1
fi
echo "size: ok: stripped static musl echod is $st bytes ($((st * 100 / BUDGET))% of the $BUDGET-byte budget)"
