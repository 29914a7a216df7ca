#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""fuzz/tools/seeds.py OUTDIR HARNESS...: `make fuzz-seeds`: OUTDIR/NAME_seed_corpus.zip from fuzz/corpus/NAME and fuzz/regressions/NAME.

ClusterFuzzLite and OSS-Fuzz look for NAME_seed_corpus.zip beside each
binary. The archive is reproducible: members sorted, one fixed timestamp
and mode, so the same corpus gives the same bytes on any machine, and a
changed zip means a changed corpus. Regressions go in too, named
regression-FILE, so batch fuzzing starts from the inputs that once failed.
Never writes into the source tree.
"""
import os
import sys
import zipfile

STAMP = (1980, 1, 1, 0, 0, 0)	# the earliest time a zip can hold


def members(name):
    for d, prefix in (("fuzz/corpus/" + name, ""),
                      ("fuzz/regressions/" + name, "regression-")):
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            p = os.path.join(d, f)
            if os.path.isfile(p):
                yield prefix + f, p


def write(out, name):
    path = os.path.join(out, name + "_seed_corpus.zip")
    tmp = path + ".tmp"
    n = 0
    with zipfile.ZipFile(tmp, "w") as z:
        for arc, p in members(name):
            info = zipfile.ZipInfo(arc, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3		# Unix, so the mode below is read
            info.external_attr = 0o100644 << 16	# a regular file, rw-r--r--
            with open(p, "rb") as f:
                z.writestr(info, f.read(), compresslevel=9)
            n += 1
    if n == 0:
        os.unlink(tmp)
        sys.exit("fuzz-seeds: %s: no inputs in fuzz/corpus/%s" % (name, name))
    os.replace(tmp, path)
    print("fuzz-seeds: %s: %d inputs, %s" % (name, n, path))


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: seeds.py OUTDIR HARNESS...")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:]:
        write(out, name)


if __name__ == "__main__":
    main()
