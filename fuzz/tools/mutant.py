#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""fuzz/tools/mutant.py NAME OUTDIR: the file of mutant NAME (tests/mutation/mutants.txt) with its one change, as OUTDIR/FILE; prints FILE.

fuzz-check plants a known bug this way to see `make fuzz-run` report a
crash: the mutant list is the one `make mutation` keeps in step with the
code, read with its own parser. Never writes into the tree.
"""
import importlib.util
import os
import sys

sys.dont_write_bytecode = True		# no __pycache__ in tests/mutation/
spec = importlib.util.spec_from_file_location("mutation_run", "tests/mutation/run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)


def main():
    name, out = sys.argv[1], sys.argv[2]
    found = [m for m in run.parse("tests/mutation/mutants.txt") if m.name == name]
    if len(found) != 1:
        sys.exit("mutant: no mutant [%s] in tests/mutation/mutants.txt" % name)
    m = found[0]
    with open(m.file, encoding="utf-8") as f:
        text = f.read()
    if text.count(m.find) != 1:
        sys.exit("mutant: [%s]: its text is not in %s exactly once" % (name, m.file))
    dest = os.path.join(out, m.file)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w", encoding="utf-8") as f:
        f.write(text.replace(m.find, m.replace))
    print(m.file)


if __name__ == "__main__":
    main()
