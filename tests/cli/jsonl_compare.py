#!/usr/bin/env python3
"""jsonl_compare.py EXPECTED ACTUAL

Compares two JSON Lines files object by object: line i of ACTUAL, parsed,
must equal line i of EXPECTED, parsed (exact dict equality). Blank lines of
EXPECTED are ignored (quire pack skips them). Prints a summary and the first
few mismatches; exits 0 only when the counts are equal and nothing differs.
"""
import json
import sys


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    out = []
    for i, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            out.append((i, json.loads(line.decode("utf-8"))))
        except (ValueError, UnicodeDecodeError) as e:
            print(f"{path}:{i}: not valid JSON: {e}")
            sys.exit(1)
    return out


def describe(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        diffs = []
        for k in sorted(set(a) | set(b)):
            va, vb = a.get(k, "<missing>"), b.get(k, "<missing>")
            if k not in a or k not in b or va != vb:
                diffs.append(f"{k!r}: expected {va!r:.120} got {vb!r:.120}")
        return "; ".join(diffs)
    return f"expected {a!r:.200} got {b!r:.200}"


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exp, act = load(sys.argv[1]), load(sys.argv[2])
    mism = 0
    for (ie, e), (ia, a) in zip(exp, act):
        if e != a:
            mism += 1
            if mism <= 5:
                print(f"mismatch: {sys.argv[1]}:{ie} vs {sys.argv[2]}:{ia}: {describe(e, a)}")
    print(f"expected {len(exp)} objects, got {len(act)}, mismatches {mism}")
    return 0 if mism == 0 and len(exp) == len(act) else 1


if __name__ == "__main__":
    sys.exit(main())
