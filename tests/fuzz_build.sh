#!/bin/bash
# fuzz_build.sh - `make fuzz-build-test`: runs fuzz/build.sh as OSS-Fuzz builds an ASan
# libFuzzer target, into a temporary $OUT, then checks that for every fuzz/fuzz_<t>.c
# $OUT holds the target, its seed corpus zip (with every seed), its dictionary and its
# options (naming that dictionary), and that the target runs its whole seed corpus
# (-runs=1 over the unzipped seeds, with its dictionary) without a report.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG=${CLANG:-clang-14}
OUT=$(mktemp -d)
WORK=$(mktemp -d)
trap 'rm -rf "$OUT" "$WORK"' EXIT
t0=$(date +%s)

env CC="$CLANG" CFLAGS="-O1 -g -fsanitize=address,fuzzer-no-link" \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$OUT" WORK="$WORK" SRC="$WORK/no-src" \
    bash fuzz/build.sh
t1=$(date +%s)

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
fail=0
bad() {
    echo "fuzz-build-test: $t: $*" >&2
    fail=1
}
for src in fuzz/fuzz_*.c; do
    t=$(basename "$src" .c)
    name=${t#fuzz_}
    [ -x "$OUT/$t" ] || { bad "no executable target"; continue; }
    [ -s "$OUT/$t.dict" ] || bad "no $t.dict"
    if [ -s "$OUT/$t.options" ]; then
        grep -q '^\[libfuzzer\]' "$OUT/$t.options" || bad "$t.options lacks [libfuzzer]"
        d=$(sed -n 's/^[[:space:]]*dict[[:space:]]*=[[:space:]]*//p' "$OUT/$t.options")
        [ -z "$d" ] || [ -f "$OUT/$d" ] || bad "$t.options names $d, which is not in \$OUT"
    else
        bad "no $t.options"
    fi
    want=0
    for dir in "fuzz/corpus/$name" "tests/regress/$name"; do
        [ -d "$dir" ] && want=$((want + $(find "$dir" -type f ! -name '.*' | wc -l)))
    done
    seeds="$WORK/seeds/$t"
    mkdir -p "$seeds"
    if [ "$want" -gt 0 ]; then
        if [ -s "$OUT/${t}_seed_corpus.zip" ]; then
            python3 -m zipfile -e "$OUT/${t}_seed_corpus.zip" "$seeds"
            got=$(find "$seeds" -type f | wc -l)
            [ "$got" -eq "$want" ] || bad "seed zip holds $got files, expected $want"
        else
            bad "no ${t}_seed_corpus.zip"
        fi
    fi
    # one pass over every seed (plus one mutation), from a scratch folder for artifacts
    if ! (cd "$WORK" && "$OUT/$t" -runs=1 -dict="$OUT/$t.dict" -artifact_prefix="$WORK/$t-" \
        "$seeds" >"$WORK/$t.log" 2>&1); then
        tail -n 30 "$WORK/$t.log" >&2
        bad "does not run its seed corpus cleanly"
        continue
    fi
    printf 'fuzz-build-test: %-22s ok  %5s seeds  %s\n' "$t" "$want" \
        "$(grep -o 'INITED.*' "$WORK/$t.log" | head -n 1)"
done
t2=$(date +%s)
echo "fuzz-build-test: build $((t1 - t0)) s, checks $((t2 - t1)) s"
if [ "$fail" -ne 0 ]; then
    echo "fuzz-build-test: FAILED" >&2
    exit 1
fi
echo "fuzz-build-test: passed"
