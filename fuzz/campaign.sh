#!/bin/sh
# fuzz/campaign.sh: a long fuzzing campaign, one libFuzzer process per target in turn.
#
#   fuzz/campaign.sh SECONDS SET TARGET...      (SET: fuzz | fuzz-mode, as built by make fuzz)
#
# Runs build/SET/fuzz_TARGET for SECONDS with the target's dictionary and .options, reading
# fuzz/corpus/TARGET and writing new inputs to build/campaign/SET/corpus/TARGET (merge them
# into fuzz/corpus with `make fuzz-merge`). One line per run is appended to
# build/campaign/summary.tsv: date, set, target, seconds, executions, exec/s, new units,
# peak RSS, exit status, artifacts. Run it under `nice` to leave the machine usable; run
# two at once on two cores. Any crash, leak, timeout or OOM leaves its input in
# build/campaign/SET/artifacts/ and a non-zero status in the summary.
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
    log=$out/$set/$n.$(date -u +%Y%m%dT%H%M%S).log
    art=$out/$set/artifacts/$n-
    before=$(ls "$out/$set/artifacts" | wc -l)
    echo "campaign: $set/$n for $secs s, log $log"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" -max_total_time="$secs" -dict="$dict" -max_len="$(fopt max_len 65536)" \
        -timeout="$(fopt timeout 10)" -rss_limit_mb=2048 -malloc_limit_mb=512 \
        -print_final_stats=1 -artifact_prefix="$art" "$new" "$root/fuzz/corpus/$n" \
        > "$log" 2>&1
    rc=$?
    st() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
    after=$(ls "$out/$set/artifacts" | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$set" "$n" "$secs" \
        "$(st number_of_executed_units)" "$(st average_exec_per_sec)" "$(st new_units_added)" \
        "$(st peak_rss_mb)" "$rc" "$((after - before))" >> "$out/summary.tsv"
    [ "$rc" -eq 0 ] || status=1
done
exit $status
