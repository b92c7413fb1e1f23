#!/usr/bin/env python3
"""fuzz/speed.py - how fast each libFuzzer target fuzzes from its corpus (`make fuzz-speed`).

    python3 fuzz/speed.py SECONDS TARGET...      (from the project root)

Runs build/fuzz/fuzz_TARGET (the production set, ASan+UBSan) for SECONDS from a copy-free
read of fuzz/corpus/TARGET, with its dictionary and .options, a fixed seed, new inputs going
to a temporary folder; one process per core, two at a time on this 2-core machine, so that
each has a core. Prints, per target: the corpus size, the seconds spent replaying the corpus
before fuzzing starts (libFuzzer's INITED line), the executions per second from then on
(fuzzing from the corpus) and libFuzzer's own average over the whole run (which counts the
replay). Exits 1 if a run fails or a target fuzzes at fewer than --min exec/s (default 1000).
Timings need a quiet machine: stop campaigns first.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def opt(name, key, default):
    try:
        with open(os.path.join(ROOT, "fuzz", name + ".options"), encoding="utf-8") as fh:
            for ln in fh:
                m = re.match(r"\s*%s\s*=\s*(\S+)" % key, ln)
                if m:
                    default = m.group(1)
    except OSError:
        pass
    return default


def run(name, secs, tmp, out):
    d = os.path.join(ROOT, "fuzz", name + ".dict")
    if not os.path.exists(d):
        d = os.path.join(ROOT, "fuzz", "quire.dict")
    corpus = os.path.join(ROOT, "fuzz", "corpus", name)
    new = os.path.join(tmp, name)
    os.makedirs(new)
    cmd = [os.path.join(ROOT, "build", "fuzz", "fuzz_" + name), "-seed=1",
           "-max_total_time=%d" % secs, "-dict=" + d, "-max_len=" + opt(name, "max_len", "65536"),
           "-timeout=" + opt(name, "timeout", "10"), "-rss_limit_mb=2048",
           "-malloc_limit_mb=512", "-print_final_stats=1",
           "-artifact_prefix=" + os.path.join(tmp, name + "-"), new, corpus]
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env,
                         text=True, errors="replace")
    inited = None  # (seconds, executions) at the INITED line
    stats = {}
    for ln in p.stderr:
        if inited is None:
            m = re.match(r"#(\d+)\s+INITED", ln)
            if m:
                inited = (time.monotonic() - t0, int(m.group(1)))
        m = re.match(r"stat::(\w+):\s*(\d+)", ln)
        if m:
            stats[m.group(1)] = int(m.group(2))
    rc = p.wait()
    wall = time.monotonic() - t0
    n = len(os.listdir(corpus)) if os.path.isdir(corpus) else 0
    execs = stats.get("number_of_executed_units", 0)
    steady = None
    if inited is not None and wall - inited[0] > 1:
        steady = (execs - inited[1]) / (wall - inited[0])
    out[name] = (rc, n, inited[0] if inited else None, steady,
                 stats.get("average_exec_per_sec", 0))


def main():
    args = sys.argv[1:]
    least = 1000
    if len(args) >= 2 and args[0] == "--min":
        least = int(args[1])
        args = args[2:]
    if len(args) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    secs, names = int(args[0]), args[1:]
    jobs = os.cpu_count() or 1
    out = {}
    tmp = tempfile.mkdtemp(prefix="quire-fuzz-speed-")
    try:
        pending = list(names)
        running = []
        while pending or running:
            while pending and len(running) < jobs:
                t = threading.Thread(target=run, args=(pending.pop(0), secs, tmp, out))
                t.start()
                running.append(t)
            running[0].join()
            running.pop(0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    bad = []
    print("%-12s %8s %10s %14s %14s" % ("target", "corpus", "replay s", "exec/s fuzzing",
                                         "exec/s overall"))
    for name in names:
        rc, n, rep, steady, avg = out[name]
        print("%-12s %8d %10s %14s %14d" % (name, n, "%.1f" % rep if rep is not None else "-",
                                             "%.0f" % steady if steady is not None else "-", avg))
        if rc != 0:
            bad.append("%s (exit %d)" % (name, rc))
        elif steady is None or steady < least:
            bad.append("%s (%s exec/s)" % (name, "%.0f" % steady if steady else "-"))
    print("fuzz-speed: %d targets, %d s each; %s" % (
        len(names), secs, "below %d exec/s or failed: %s" % (least, ", ".join(bad)) if bad
        else "every one at %d exec/s or more" % least))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
