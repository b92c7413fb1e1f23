#!/bin/sh
# fuzz/campaign.sh: a long fuzzing campaign, one libFuzzer process per target in turn.
#
#   fuzz/campaign.sh SECONDS SET TARGET...      (SET: fuzz | fuzz-mode, as built by make fuzz)
#
# Runs build/SET/fuzz_TARGET until it has had SECONDS of CPU time, with the target's
# dictionary and .options, reading fuzz/corpus/TARGET and writing new inputs to
# build/campaign/SET/corpus/TARGET (merge them into fuzz/corpus with `make fuzz-merge`).
# CPU time, not wall time, is what counts: a niced fuzzer on a busy machine gets less than
# its wall time, so the target is run again for what is missing until the CPU time adds up.
# One line per libFuzzer run is appended to build/campaign/summary.tsv: date, set, target,
# wall seconds, executions, exec/s, new units, peak RSS, exit status, artifacts, CPU
# seconds. Run it under `nice` to leave the machine usable; run two at once on two cores.
# Any crash, leak, timeout or OOM leaves its input in build/campaign/SET/artifacts/ and a
# non-zero status in the summary.
set -u
[ $# -ge 3 ] || { echo "usage: $0 SECONDS SET TARGET..." >&2; exit 2; }
secs=$1 set=$2; shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/campaign
mkdir -p "$out/$set/artifacts"
fopt() { v=$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$root/fuzz/$n.options" \
            2>/dev/null | tail -n 1); echo "${v:-$2}"; }
status=0
for n in "$@"; do
    bin=$root/build/$set/fuzz_$n
    [ -x "$bin" ] || { echo "campaign: $bin not built (make fuzz-build)" >&2; exit 2; }
    dict=$root/fuzz/quire.dict; [ -f "$root/fuzz/$n.dict" ] && dict=$root/fuzz/$n.dict
    new=$out/$set/corpus/$n; mkdir -p "$new"
    art=$out/$set/artifacts/$n-
    cpu=0
    while [ "$cpu" -lt "$secs" ]; do
        left=$((secs - cpu)); [ "$left" -ge 60 ] || left=60
        log=$out/$set/$n.$(date -u +%Y%m%dT%H%M%S).log
        before=$(ls "$out/$set/artifacts" | wc -l)
        echo "campaign: $set/$n for $left s of CPU ($cpu s done), log $log"
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            /usr/bin/time -o "$log.time" -f '%e %U %S' \
            "$bin" -max_total_time="$left" -dict="$dict" -max_len="$(fopt max_len 65536)" \
            -timeout="$(fopt timeout 10)" -rss_limit_mb=2048 -malloc_limit_mb=512 \
            -print_final_stats=1 -artifact_prefix="$art" "$new" "$root/fuzz/corpus/$n" \
            > "$log" 2>&1
        rc=$?
        st() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
        used=$(awk 'END { printf "%d", $2 + $3 }' "$log.time")
        wall=$(awk 'END { printf "%d", $1 }' "$log.time")
        after=$(ls "$out/$set/artifacts" | wc -l)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$set" \
            "$n" "$wall" "$(st number_of_executed_units)" "$(st average_exec_per_sec)" \
            "$(st new_units_added)" "$(st peak_rss_mb)" "$rc" "$((after - before))" "$used" \
            >> "$out/summary.tsv"
        cpu=$((cpu + used))
        [ "$rc" -eq 0 ] || { status=1; break; }
        [ "$used" -gt 0 ] || break
    done
done
exit $status
