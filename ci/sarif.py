#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""ci/sarif.py: the lint findings as SARIF 2.1.0, for GitHub code scanning (ci.yml's lint job).

    sarif.py cppcheck FILE.xml        cppcheck --xml --xml-version=2 output
    sarif.py text TOOL FILE.txt       compiler-style lines, FILE:LINE[:COL]: LEVEL: MESSAGE [RULE]
                                      (clang-tidy; cppcheck's --template text)
    sarif.py merge TOOL FILE.sarif... one run from many (scan-build -sarif writes one file per
                                      translation unit); no file gives an empty run

Writes the SARIF log to standard output. cppcheck 2.10 has no SARIF output
of its own. Paths are made relative to the current directory (the
checkout), as code scanning wants them. A finding without a location is
left out and counted on standard error: code scanning refuses those.
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
URIS = {
    "cppcheck": "https://cppcheck.sourceforge.io/",
    "clang-tidy": "https://clang.llvm.org/extra/clang-tidy/",
    "scan-build": "https://clang-analyzer.llvm.org/",
}
LINE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)? "
                  r"(?P<sev>[a-z]+): (?P<msg>.*?)(?: \[(?P<rule>[^\]\s]+)\])?$")


def level(sev):
    """SARIF knows error, warning and note; cppcheck's style, performance,
    portability and information are notes."""
    return {"error": "error", "warning": "warning"}.get(sev, "note")


def rel(path):
    if path.startswith("file://"):
        path = path[len("file://"):]
    if os.path.isabs(path):
        r = os.path.relpath(path)
        if not r.startswith(".."):
            return r
    return path


def result(rule, sev, msg, path, line, col=None):
    region = {"startLine": max(1, int(line))}
    if col and int(col) > 0:
        region["startColumn"] = int(col)
    return {
        "ruleId": rule,
        "level": level(sev),
        "message": {"text": msg},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": rel(path)},
            "region": region}}],
    }


def log(tool, results, rules, version=None):
    driver = {"name": tool, "informationUri": URIS.get(tool, "https://example.invalid/"),
              "rules": [rules[k] for k in sorted(rules)]}
    if version:
        driver["version"] = version
    return {"$schema": SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": driver}, "results": results}]}


def rule(rules, rid, text, cwe=None):
    if rid not in rules:
        r = {"id": rid, "shortDescription": {"text": text or rid}}
        if cwe:
            r["properties"] = {"tags": ["external/cwe/cwe-%s" % cwe]}
        rules[rid] = r


def from_cppcheck(path):
    root = ET.parse(path).getroot()
    ver = root.find("cppcheck")
    results, rules, dropped = [], {}, 0
    for e in root.iter("error"):
        locs = e.findall("location")
        if not locs:
            dropped += 1
            continue
        rid, sev = e.get("id", "cppcheck"), e.get("severity", "warning")
        rule(rules, rid, e.get("msg"), e.get("cwe"))
        loc = locs[0]
        # cppcheck writes a newline in its messages as the characters \012.
        text = (e.get("verbose") or e.get("msg") or rid).replace("\\012", "\n")
        results.append(result(rid, sev, text,
                              loc.get("file", "?"), loc.get("line", "1"), loc.get("column")))
    return log("cppcheck", results, rules, ver.get("version") if ver is not None else None), dropped


def from_text(tool, path):
    results, rules = [], {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\n"))
            if not m or m.group("sev") == "note":
                continue
            # cppcheck's template puts the id first: "SEV: ID: MESSAGE".
            msg, rid = m.group("msg"), m.group("rule")
            if rid is None:
                head, sep, rest = msg.partition(": ")
                if sep and re.fullmatch(r"[A-Za-z0-9_.-]+", head):
                    rid, msg = head, rest
                else:
                    rid = tool
            rule(rules, rid, rid)
            results.append(result(rid, m.group("sev"), msg, m.group("file"),
                                  m.group("line"), m.group("col")))
    return log(tool, results, rules), 0


def unindex(node, artifacts):
    """Replace artifact indexes by their URIs (indexes differ per file)."""
    if isinstance(node, dict):
        loc = node.get("artifactLocation")
        if isinstance(loc, dict):
            if "index" in loc and 0 <= loc["index"] < len(artifacts):
                loc.setdefault("uri", artifacts[loc["index"]]["location"]["uri"])
            loc.pop("index", None)
            loc.pop("uriBaseId", None)
            if "uri" in loc:
                loc["uri"] = rel(loc["uri"])
        node.pop("ruleIndex", None)
        for v in node.values():
            unindex(v, artifacts)
    elif isinstance(node, list):
        for v in node:
            unindex(v, artifacts)


def merge(tool, paths):
    results, rules, version = [], {}, None
    for p in paths:
        with open(p, encoding="utf-8") as f:
            data = json.load(f)
        for run in data.get("runs", []):
            drv = run.get("tool", {}).get("driver", {})
            version = version or drv.get("version")
            for r in drv.get("rules", []):
                rules.setdefault(r["id"], r)
            res = run.get("results", [])
            unindex(res, run.get("artifacts", []))
            results.extend(res)
    return log(tool, results, rules, version), 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "cppcheck":
        out, dropped = from_cppcheck(argv[1])
    elif len(argv) >= 3 and argv[0] == "text":
        out, dropped = from_text(argv[1], argv[2])
    elif len(argv) >= 2 and argv[0] == "merge":
        out, dropped = merge(argv[1], argv[2:])
    else:
        sys.exit(__doc__)
    if dropped:
        print("sarif: %d findings without a location left out" % dropped, file=sys.stderr)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
