#!/usr/bin/env python3
"""fuzz/campaigns.py - rewrites fuzz/CAMPAIGNS.md from its own run table plus the new rows of
build/campaign/summary.tsv (written by fuzz/campaign.sh), then the hours per target.

    python3 fuzz/campaigns.py            (from the project root; `make campaigns`)

The run table in CAMPAIGNS.md is the history: build/ is not committed, so rows from earlier
sessions live only there. A summary row already in the table (same date, set and target) is not
added twice. Hours per target count CPU time where the run recorded it (campaign.sh since it
counts CPU time) and wall time for the earlier rows, which did not.
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MD = os.path.join(ROOT, "fuzz", "CAMPAIGNS.md")
TSV = os.path.join(ROOT, "build", "campaign", "summary.tsv")
TARGETS_DIR = os.path.join(ROOT, "fuzz")

HEAD = """# Long fuzzing campaigns

`make fuzz-smoke` (CI) runs every target for seconds; this file records the long runs, so that
the hours each target has been fuzzed add up across sessions. Each row is one libFuzzer process
(one core) run by `fuzz/campaign.sh SECONDS SET TARGET...` (niced, two at a time on the 2-core
machine), with ASan+UBSan, the target's dictionary and `.options`, from `fuzz/corpus/<t>`;
`fuzz` is the production set (every CRC, digest and signature enforced; `mutate` re-signs with its
custom mutator), `fuzz-mode` the `FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION` set (checks computed,
results ignored). campaign.sh runs a target until it has had SECONDS of CPU time (a niced
fuzzer gets less than its wall time while the machine does other work), so one campaign may be
several rows; rows before that change have no CPU column and count their wall time. New inputs
of production runs are merged into `fuzz/corpus` with `make fuzz-merge`. A crash would leave its
input in `build/campaign/<set>/artifacts/`, be fixed, and be kept under `tests/regress/<t>/`.
This file is rewritten by `make campaigns` (fuzz/campaigns.py) from itself and
build/campaign/summary.tsv.
"""

COLS = ["date (UTC)", "set", "target", "wall s", "CPU s", "executions", "exec/s",
        "new inputs", "peak RSS MB", "crashes, leaks, timeouts"]

SESSION1 = """Earlier (session 1, `make fuzz` with `-fork=2`, about 3 minutes of 2 workers each, production
set, no crash; not counted below): mutate 0.9 M, open 18.8 M, verify 6.9 M, salvage 1.0 M,
proof 22.6 M, record 59.5 M, seal 98.8 M, import_json 13.9 M executions. Session 3: `make fuzz`
(-fork=2) ran frame for 10 minutes by mistake before it was stopped, production set, no crash
(its new inputs are in fuzz/corpus/frame; not counted)."""


# What a row's artifacts turned out to be (kept by hand: the date of the row, then the finding).
NOTES = """Rows with artifacts, looked into:

- 2026-11-28T08:03:16Z fuzz salvage (exit 70, a timeout) and 2026-11-28T08:04:15Z fuzz-mode
  import_json (a slow unit): both fuzzers had been stopped with SIGSTOP for 100 s while a
  benchmark ran, and libFuzzer's timeouts count wall time. Replayed, each input runs in 30 ms;
  nothing to fix. Benchmarks no longer pause running campaigns for longer than a second.
- 2026-11-28T09:25:18Z fuzz warc_import and html: interrupted with SIGINT (libFuzzer's exit
  status 72, its final statistics kept) to free both cores for the benchmark; the same targets
  went on afterwards for the CPU time still missing.
- 2026-11-28T11:02:18Z fuzz html (exit 72): stopped with SIGINT to restart html on a binary with
  that session's HTML changes (the charset prescan); campaign.sh was stopped with it, so this row
  was written by hand from the run's log and its time file, in the same format.
- 2026-11-28T13:09:53Z fuzz index and keys (exit 72): stopped with SIGINT at the end of session 4
  so that their new inputs could be merged before its last CI run; both go on next session for
  the CPU time still missing.
- Session 6 split fuzz_warc_import (import, verify, export, re-import: 730 exec/s) in two:
  fuzz_warc_import keeps the import and the verify, fuzz_warc_export the export and re-import.
  The warc_import rows before 2026-11-28T16:50Z ran the whole of it.
- Session 6 (rows from 2026-11-28T16:39Z): roundtrip, seal, inflate and the new warc_export ran
  three at a time on the two cores, beside builds, tests and a clean-clone CI run; campaign.sh
  topped each up to its CPU time, hence the short seal rows. Their exec/s per wall second are
  low for that reason; the speed of every target alone on a core is `make fuzz-speed`'s (the
  closing note of session 6 lists it)."""


# Targets whose harness changed: their speed is taken from runs after this date only.
SPLIT = {"warc_import": "2026-11-28T16:5"}


def targets():
    names = []
    for f in sorted(os.listdir(TARGETS_DIR)):
        if f.startswith("fuzz_") and f.endswith(".c"):
            names.append(f[len("fuzz_"):-2])
    return names


def old_rows():
    """Rows of the run table already in CAMPAIGNS.md, as lists of COLS strings."""
    rows = []
    if not os.path.exists(MD):
        return rows
    with open(MD, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    header = None
    for ln in lines:
        if not ln.startswith("|"):
            if header is not None and rows:
                break
            continue
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        if header is None:
            if cells and cells[0] == "date (UTC)":
                header = cells
            continue
        if set(cells[0]) <= set("-"):
            continue
        row = dict(zip(header, cells))
        # the first layout had "seconds" and no CPU column
        row.setdefault("wall s", row.get("seconds", ""))
        row.setdefault("CPU s", "-")
        rows.append([row.get(c, "") for c in COLS])
    return rows


def tsv_rows():
    rows = []
    if not os.path.exists(TSV):
        return rows
    with open(TSV, encoding="utf-8") as fh:
        for ln in fh:
            f = ln.rstrip("\n").split("\t")
            if len(f) < 10:
                continue
            date, sset, tgt, wall, execs, eps, new, rss, rc, arts = f[:10]
            cpu = f[10] if len(f) > 10 and f[10] != "" else "-"
            if rc == "0" and arts == "0":
                bad = "none"
            elif rc == "72" and arts == "0":
                bad = "none (stopped with SIGINT)"  # libFuzzer's status when interrupted
            else:
                bad = "exit %s, %s artifact(s)" % (rc, arts)
            rows.append([date, sset, tgt, wall, cpu, execs or "0", eps or "0", new or "0",
                         rss or "-", bad])
    return rows


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def main():
    rows = old_rows()
    have = {(r[0], r[1], r[2]) for r in rows}
    added = 0
    for r in tsv_rows():
        if (r[0], r[1], r[2]) not in have:
            rows.append(r)
            have.add((r[0], r[1], r[2]))
            added += 1
    rows.sort(key=lambda r: r[0])
    secs, execs, rate = {}, {}, {}
    for r in rows:
        s = num(r[4]) if num(r[4]) is not None else num(r[3])
        secs[r[2]] = secs.get(r[2], 0.0) + (s or 0.0)
        execs[r[2]] = execs.get(r[2], 0.0) + (num(r[5]) or 0.0)
        # speed: the newest production run of 5 minutes or more, executions per CPU second
        # (a niced fuzzer sharing a core runs fewer per wall second); wall seconds for the
        # first runs, which had a core each and no CPU column
        if r[1] == "fuzz" and (s or 0.0) >= 300 and r[0] >= SPLIT.get(r[2], ""):
            rate[r[2]] = (num(r[5]) or 0.0) / s
    out = [HEAD, "| " + " | ".join(COLS) + " |", "|" + "---|" * len(COLS)]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    out += ["", NOTES, "", SESSION1, "",
            "Core-hours per target in the campaigns above (both sets; smoke runs and session 1 "
            "not counted), and the speed of each target: executions per CPU second of its newest "
            "production run of 5 minutes or more (per wall second for the first runs, which had "
            "no CPU column):", "",
            "| target | hours | executions | exec/s |", "|---|---|---|---|"]
    left = 0.0
    for t in targets():
        h = secs.get(t, 0.0) / 3600.0
        left += max(0.0, 1.0 - h)
        e = execs.get(t, 0.0)
        out.append("| %s | %.2f | %s | %s |" % (t, h, "%.1f M" % (e / 1e6) if e else "-",
                                                 "%.0f" % rate[t] if t in rate else "-"))
    out += ["", "Still to run for one hour each: %.1f core-hours." % left, ""]
    with open(MD, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out))
    print("campaigns: %d runs (%d new) in %s; %.1f core-hours still to run"
          % (len(rows), added, os.path.relpath(MD, ROOT), left))
    return 0


if __name__ == "__main__":
    sys.exit(main())
