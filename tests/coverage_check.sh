#!/bin/sh
# coverage_check.sh SUMMARY.json [FORMAT_LINES FORMAT_BRANCHES SRC_LINES SRC_BRANCHES]
#
# Reads `llvm-cov export -summary-only` JSON and prints, aggregated per directory
# (format/*.c, and src/*.c without src/cli/):
#   coverage: format/ lines L% branches B%; src/ lines L% branches B%
# With the four minimums (percent), exits 1 if any number is below its minimum.
set -eu
[ $# -eq 1 ] || [ $# -eq 5 ] || { echo "usage: $0 SUMMARY.json [FL FB SL SB]" >&2; exit 2; }
exec python3 - "$@" <<'PY'
import json, re, sys

data = json.load(open(sys.argv[1]))
tot = {d: {"lines": [0, 0], "branches": [0, 0]} for d in ("format", "src")}
for f in data["data"][0]["files"]:
    m = re.search(r"(?:^|/)(format|src)/[^/]+\.c$", f["filename"])
    if not m:
        continue  # headers, src/cli/, tests, harnesses
    for k in ("lines", "branches"):
        tot[m.group(1)][k][0] += f["summary"][k]["covered"]
        tot[m.group(1)][k][1] += f["summary"][k]["count"]

def pct(c, n):
    return 100.0 * c / n if n else 100.0

got = [pct(*tot[d][k]) for d in ("format", "src") for k in ("lines", "branches")]
print("coverage: format/ lines %.1f%% branches %.1f%%; src/ lines %.1f%% branches %.1f%%"
      % tuple(got))
if len(sys.argv) == 6:
    names = ["format/ lines", "format/ branches", "src/ lines", "src/ branches"]
    low = [(n, g, float(m)) for n, g, m in zip(names, got, sys.argv[2:]) if round(g, 1) < float(m)]
    for n, g, m in low:
        print("coverage: %s %.1f%% is below the minimum %.1f%%" % (n, g, m))
    sys.exit(1 if low else 0)
PY
